/* eslint-disable @typescript-eslint/no-unused-vars -- a template: the block put in at BLOCK uses these names */
// For a block that calls createPulse(…) without showing the import every guide starts with.
import { createPulse } from '@pulse-apm/exporter';

/* BLOCK */
