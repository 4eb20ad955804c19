// The look of the app's hand-rendered tables (error groups, instances), shared so they match.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const tableStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ padding: theme.spacing(1), width: '100%', overflow: 'auto' }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
  }),
});
