// A steady mix of requests against the demo, so every panel has data. Loopback only, and it
// stops when the process does.

const pick = (items) => items[Math.floor(Math.random() * items.length)];

function nextRequest() {
  const user = 1 + Math.floor(Math.random() * 60); // ids above 50 answer 404
  return pick([
    { method: 'GET', path: '/api/v1/users' },
    { method: 'GET', path: `/api/v1/users/${user}` },
    { method: 'GET', path: `/api/v2/users/${user}/posts` },
    { method: 'GET', path: '/api/v1/search?q=pulse' },
    { method: 'POST', path: '/api/v1/orders', body: { userId: user } },
    { method: 'POST', path: '/api/v1/orders', body: { userId: 'oops' } },
    { method: 'GET', path: '/no/such/page' },
  ]);
}

export function startTraffic(baseUrl, { requestsPerSecond = 20 } = {}) {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(baseUrl))
    throw new Error('traffic targets loopback only');
  const timer = setInterval(() => {
    const { method, path, body } = nextRequest();
    fetch(baseUrl + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    })
      .then((res) => res.arrayBuffer())
      .catch(() => undefined);
  }, 1000 / requestsPerSecond);
  return () => clearInterval(timer);
}
