const express = require('express');

const tick = () => new Promise((resolve) => setImmediate(resolve));

// A sub-application with its own routes, mounted by the main app.
const admin = express();

admin.get('/users/:userId', async (req, res) => {
  await tick();
  res.json({ user: req.params.userId });
});

module.exports = { admin };
