const express = require('express');

const tick = () => new Promise((resolve) => setImmediate(resolve));

// Mounted under /:itemId/reviews by items.js: mergeParams gives it the item id.
const reviews = express.Router({ mergeParams: true });

reviews.get('/:reviewId', async (req, res) => {
  await tick();
  res.json({ item: req.params.itemId, review: req.params.reviewId });
});

module.exports = { reviews };
