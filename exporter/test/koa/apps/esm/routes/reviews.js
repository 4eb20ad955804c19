import Router from '@koa/router';

export const reviews = new Router();
reviews.get('/:reviewId', async (ctx) => {
  ctx.body = { item: ctx.params.itemId, review: ctx.params.reviewId };
});
