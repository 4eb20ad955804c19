// The demo's client of the payments service. Plain fetch: Pulse measures it without any wrapper
// (http_client_request_duration_seconds{dependency="payments"}).

export type ChargeResult =
  | { outcome: 'paid'; paymentId: string }
  | { outcome: 'declined'; reason: string }
  | { outcome: 'failed'; reason: string };

export interface ChargeRequest {
  orderId: number;
  amountCents: number;
  card: string;
}

export function paymentsClient(paymentsUrl: string, timeoutMs = 2_000) {
  const chargeUrl = new URL('/charge', paymentsUrl).toString();
  return {
    async charge(req: ChargeRequest): Promise<ChargeResult> {
      let res: Response;
      try {
        res = await fetch(chargeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            order_id: req.orderId,
            amount_cents: req.amountCents,
            currency: 'EUR',
            card: req.card,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return { outcome: 'failed', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
      }
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
      if (res.status === 201 && typeof body.id === 'string') return { outcome: 'paid', paymentId: body.id };
      if (res.status === 402) return { outcome: 'declined', reason: body.error ?? 'card_declined' };
      return { outcome: 'failed', reason: body.error ?? `HTTP ${res.status}` };
    },
  };
}
