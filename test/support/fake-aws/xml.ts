/**
 * XML bodies of the AWS Query protocols, as the API references document them: Auto Scaling's
 * `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>` with list items as `<member>`,
 * and its `<ErrorResponse><Error><Type><Code><Message>`; EC2's `<ActionResponse><requestId>` with
 * lower-camel names and list items as `<item>`, and its `<Response><Errors><Error>`.
 */
export type Node = string | number | boolean | undefined | null | Node[] | { readonly [tag: string]: Node };

export const ASG_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
export const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Renders a value; arrays become repeated `itemTag` children. */
export function render(node: Node, itemTag: string): string {
  if (node === undefined || node === null) return '';
  if (Array.isArray(node)) return node.map((n) => `<${itemTag}>${render(n, itemTag)}</${itemTag}>`).join('');
  if (typeof node === 'object') {
    return Object.entries(node)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${render(v, itemTag)}</${k}>`)
      .join('');
  }
  return escapeXml(String(node));
}

export function asgResponse(action: string, result: Node | undefined, requestId: string): string {
  const body = result === undefined ? '' : `<${action}Result>${render(result, 'member')}</${action}Result>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ASG_NS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function asgError(code: string, message: string, requestId: string, type: 'Sender' | 'Receiver'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ASG_NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export function ec2Response(action: string, result: Node, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${requestId}</requestId>${render(result, 'item')}</${action}Response>`;
}

export function ec2Error(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
