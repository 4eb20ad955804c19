// Route module of the fingerprint fixtures. orders.mjs holds the very same handlers: the same
// error types and messages, thrown from another file.
import { readFile } from 'node:fs/promises';
// Release 2 of this module: the same code, further down the file, as after an edit
// above it. Line numbers change, nothing else does: fingerprints must not.

class Record {
  constructor(id) {
    // (moved down)
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
  // (moved down)
  router.get('/sync', function loadRecord(req) {
    throw new TypeError(`record ${req.query.id} is not valid`);
  });

  // Sync, a constructor.
  // (moved down)
  router.get('/construct', (req, res) => res.json(new Record(req.query.id)));

  // Async, anonymous, awaiting a Node call that rejects: the only application frame is `at async <file>`.
  // (moved down)
  router.get('/async', async (req, res, next) => {
    try {
      res.send(await readFile(`/nonexistent/pulse-fixture/record-${req.query.id}.json`));
    } catch (err) {
      next(err);
    }
  });

  // Async, anonymous, throwing after an await (Express 4 style: the handler calls next).
  // (moved down)
  router.get('/after-await', async (req, res, next) => {
    try {
      await null;
      throw new RangeError(`record ${req.query.id} out of range`);
    } catch (err) {
      next(err);
    }
  });

  // Two anonymous handlers throwing the same error from identical lines: two throw sites.
  // (moved down)
  router.get('/twin-a', async (req, res, next) => {
    try {
      await null;
      // (moved down)
      throw new NotFound('record missing');
    } catch (err) {
      next(err);
    }
  });
  // (moved down)
  router.get('/twin-b', async (req, res, next) => {
    try {
      await null;
      // (moved down)
      throw new NotFound('record missing');
    } catch (err) {
      next(err);
    }
  });

  // One named function throwing the same error at two places.
  // (moved down)
  function reserveStock(req, early) {
    // (moved down)
    if (early) throw new RangeError('out of stock');
    // (moved down)
    if (!Number(req.query.id)) throw new RangeError('out of stock');
    return { reserved: Number(req.query.id) };
  }
  router.get('/stock-early', (req, res) => res.json(reserveStock(req, true)));
  router.get('/stock-late', (req, res) => res.json(reserveStock(req, false)));

  // Express 5 forwards a rejected handler's error itself.
  if (express5)
    // (moved down)
    router.get('/rejects', async (req) => {
      await null;
      throw new Error(`record ${req.query.id} was rejected`);
    });

  return router;
}
