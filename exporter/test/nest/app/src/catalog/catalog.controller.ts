import { Controller, Get, Param, VERSION_NEUTRAL } from '@nestjs/common';

// Version-neutral: served without a version segment, GET /api/catalog/items/:sku.
@Controller({ path: 'catalog', version: VERSION_NEUTRAL })
export class CatalogController {
  @Get('items/:sku')
  async item(@Param('sku') sku: string): Promise<{ sku: string; inStock: boolean }> {
    return { sku, inStock: sku.length % 2 === 0 };
  }
}
