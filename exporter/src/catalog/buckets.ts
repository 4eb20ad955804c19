// Bucket boundaries from the OpenTelemetry semantic conventions, so Pulse's histograms line up
// with what other OTel-named dashboards expect.

/** OTel `http.server.request.duration` / `http.client.request.duration` advice, in seconds. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

/** OTel `db.client.operation.duration` advice, in seconds. */
export const DB_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] as const;

/** Body sizes: powers of 4 from 64 B to 16 MiB cover JSON APIs and uploads in 9 buckets. */
export const BODY_SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216] as const;
