import { EventEmitter } from 'node:events';
export default async function () {
  const s = new EventEmitter();
  let n = 0;
  s.write = (chunk) => { n += chunk.length; return true; };
  s.end = () => s.emit('close');
  return s;
}
