// CSV and JSON download of a hand-rendered table, exactly as it shows (the table passes the rows it renders).
import React from 'react';
import { Button, Stack } from '@grafana/ui';
import { downloadTable, type ShownTable } from './tableDownload';

export function DownloadButtons({ title, table }: { title: string; table: ShownTable }) {
  return (
    <Stack direction="row" gap={0.5}>
      {(['csv', 'json'] as const).map((format) => (
        <Button
          key={format}
          size="sm"
          variant="secondary"
          fill="text"
          icon="download-alt"
          aria-label={`Download ${format.toUpperCase()}`}
          tooltip={`Download the rows shown as ${format.toUpperCase()}`}
          disabled={table.rows.length === 0}
          onClick={() => downloadTable(title, table, format)}
        >
          {format.toUpperCase()}
        </Button>
      ))}
    </Stack>
  );
}
