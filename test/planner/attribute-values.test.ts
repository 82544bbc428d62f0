import { describe, expect, it } from 'vitest';
import { formatScalar, marathonValue } from '../../src/planner/constraints.js';

// Marathon compares attribute values as Constraints.scala `getValueString` prints them:
// scalars with DecimalFormat("0.###") (half-even on the double's binary value), ranges sorted "[b-e,...]", sets sorted "{a,b}".
describe('attribute values as Marathon compares them', () => {
  const scalars: [string, string][] = [
    ['2', '2'],
    ['2.0', '2'],
    ['2.500', '2.5'],
    ['1.0005', '1'],
    ['1.00051', '1.001'],
    ['1.1005', '1.101'],
    ['1.0015', '1.002'],
    ['0.9995', '1'],
    ['12.3456', '12.346'],
    ['1.0625', '1.062'],
    ['1.1875', '1.188'],
  ];
  for (const [raw, shown] of scalars) it(`prints the scalar ${raw} as ${shown}`, () => expect(formatScalar(raw)).toBe(shown));

  it('sorts ranges by their start and drops the spaces Mesos prints', () => expect(marathonValue('[31000-32000, 1000-2000]')).toBe('[1000-2000,31000-32000]'));
  it('sorts set items', () => expect(marathonValue('{ssd, hdd,nvme}')).toBe('{hdd,nvme,ssd}'));
  it('keeps text that only starts with a digit (an IP address) as it is', () => expect(marathonValue('10.0.0.5')).toBe('10.0.0.5'));
  it('prints numbers the simulator keeps as numbers', () => expect(marathonValue(4)).toBe('4'));
});
