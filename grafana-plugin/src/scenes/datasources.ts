import { bracedRef, VAR } from '../queries/variables';

// Panels never name a data source uid: they follow the page's data source variables, whose
// defaults come from the app settings (see variables.ts).
export const PROMETHEUS_DS = { type: 'prometheus', uid: bracedRef(VAR.prometheus) } as const;
export const LOKI_DS = { type: 'loki', uid: bracedRef(VAR.loki) } as const;
