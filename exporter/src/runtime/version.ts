/** Pulse's own version, for `pulse_runtime_info`; a test keeps it equal to exporter/package.json. */
export const PULSE_VERSION = '0.1.0';
