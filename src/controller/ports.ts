/** The ports moved to model/ports.ts (imports point down); kept so adapters' imports still resolve. */
export * from '../model/ports.js';
