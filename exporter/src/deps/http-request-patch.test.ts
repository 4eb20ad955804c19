import http from 'node:http';
import https from 'node:https';
import { addClientRequestInjector, hasClientRequestCreatedChannel } from './http-request-patch';

test('http.client.request.created is used from Node 22.12 and 23.2 on', () => {
  expect(
    ['20.20.2', '22.11.0', '22.12.0', '23.1.0', '23.2.0', '24.0.0'].map((v) => hasClientRequestCreatedChannel(v)),
  ).toEqual([false, false, true, false, true, true]);
});

test('the request()/get() wrapper is shared by every injector and removed with the last one', () => {
  const originals = [http.request, http.get, https.request, https.get];
  const stopA = addClientRequestInjector(() => {});
  const wrapped = [http.request, http.get, https.request, https.get];
  expect(wrapped.some((fn, i) => fn === originals[i])).toBe(false);
  const stopB = addClientRequestInjector(() => {});
  expect([http.request, http.get, https.request, https.get]).toEqual(wrapped);
  stopA();
  expect([http.request, http.get, https.request, https.get]).toEqual(wrapped);
  stopB();
  expect([http.request, http.get, https.request, https.get]).toEqual(originals);
});
