// The two Express majors Pulse supports, for describe.each.
import express4 from 'express';
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- Express 5 is installed under the alias `express5` and shares Express 4's types here
import express5 from 'express5';

export type ExpressModule = typeof express4;
export const EXPRESS_VERSIONS: [string, ExpressModule][] = [
  ['Express 4', express4],
  ['Express 5', express5 as ExpressModule],
];
