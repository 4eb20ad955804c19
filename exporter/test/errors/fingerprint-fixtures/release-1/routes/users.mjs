// Route module of the fingerprint fixtures. orders.mjs holds the very same handlers: the same
// error types and messages, thrown from another file.
import { readFile } from 'node:fs/promises';

class Record {
  constructor(id) {
    if (!/^[0-9]+$/.test(id)) throw new TypeError(`record id ${id} is not a number`);
    this.id = id;
  }
}

// An application's own error class: V8 starts its stacks at the throw, not in the constructor.
class NotFound extends Error {
  constructor(message) {
    super(message);
    this.name = 'NotFound';
  }
}

export default function routes(router, { express5 }) {
  // Sync, a named function.
  router.get('/sync', function loadRecord(req) {
    throw new TypeError(`record ${req.query.id} is not valid`);
  });

  // Sync, a constructor.
  router.get('/construct', (req, res) => res.json(new Record(req.query.id)));

  // Async, anonymous, awaiting a Node call that rejects: the only application frame is `at async <file>`.
  router.get('/async', async (req, res, next) => {
    try {
      res.send(await readFile(`/nonexistent/pulse-fixture/record-${req.query.id}.json`));
    } catch (err) {
      next(err);
    }
  });

  // Async, anonymous, throwing after an await (Express 4 style: the handler calls next).
  router.get('/after-await', async (req, res, next) => {
    try {
      await null;
      throw new RangeError(`record ${req.query.id} out of range`);
    } catch (err) {
      next(err);
    }
  });

  // Two anonymous handlers throwing the same error from identical lines: two throw sites.
  router.get('/twin-a', async (req, res, next) => {
    try {
      await null;
      throw new NotFound('record missing');
    } catch (err) {
      next(err);
    }
  });
  router.get('/twin-b', async (req, res, next) => {
    try {
      await null;
      throw new NotFound('record missing');
    } catch (err) {
      next(err);
    }
  });

  // One named function throwing the same error at two places.
  function reserveStock(req, early) {
    if (early) throw new RangeError('out of stock');
    if (!Number(req.query.id)) throw new RangeError('out of stock');
    return { reserved: Number(req.query.id) };
  }
  router.get('/stock-early', (req, res) => res.json(reserveStock(req, true)));
  router.get('/stock-late', (req, res) => res.json(reserveStock(req, false)));

  // Express 5 forwards a rejected handler's error itself.
  if (express5)
    router.get('/rejects', async (req) => {
      await null;
      throw new Error(`record ${req.query.id} was rejected`);
    });

  return router;
}
