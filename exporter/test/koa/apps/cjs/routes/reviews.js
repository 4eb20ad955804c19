const Router = require('@koa/router');

const reviews = new Router();
reviews.get('/:reviewId', async (ctx) => {
  ctx.body = { item: ctx.params.itemId, review: ctx.params.reviewId };
});
module.exports = { reviews };
