import type {
  ChannelKind,
  CreateChannelConnectionInput,
  ResyncChannelInput,
  UpdateChannelConnectionInput,
} from "../../gql/graphql";

/** What the connect-a-shop form holds, as typed. */
export type ConnectionForm = {
  clientId: string;
  kind: ChannelKind;
  name: string;
  shopUrl: string;
  warehouseId: string;
  apiKey: string;
  apiSecret: string;
  importOrders: boolean;
  syncFulfillments: boolean;
  syncInventory: boolean;
};

export const EMPTY_CONNECTION: ConnectionForm = {
  clientId: "",
  kind: "WOOCOMMERCE",
  name: "",
  shopUrl: "",
  warehouseId: "",
  apiKey: "",
  apiSecret: "",
  importOrders: true,
  syncFulfillments: true,
  syncInventory: true,
};

/** The platforms' own names. */
export const KIND_LABELS: Record<ChannelKind, string> = { SHOPIFY: "Shopify", WOOCOMMERCE: "WooCommerce" };

/** What each platform calls the two credentials, for the form's labels. */
export const CREDENTIAL_LABELS: Record<ChannelKind, { apiKey: string; apiSecret: string }> = {
  SHOPIFY: { apiKey: "Admin API access token", apiSecret: "App client secret" },
  WOOCOMMERCE: { apiKey: "Consumer key", apiSecret: "Consumer secret" },
};

/** The create mutation's input: text trimmed (never the credentials, sent as typed); the
 * client only when staff chose one (a client's own session leaves it out). */
export function createConnectionInput(form: ConnectionForm): CreateChannelConnectionInput {
  return {
    clientId: form.clientId || null,
    kind: form.kind,
    name: form.name.trim(),
    shopUrl: form.shopUrl.trim(),
    warehouseId: form.warehouseId,
    apiKey: form.apiKey,
    apiSecret: form.apiSecret,
    importOrders: form.importOrders,
    syncFulfillments: form.syncFulfillments,
    syncInventory: form.syncInventory,
  };
}

/** The three switches of a connection, by their input names. */
export type Switch = "importOrders" | "syncFulfillments" | "syncInventory";

export const SWITCHES: { name: Switch; label: string }[] = [
  { name: "importOrders", label: "Import orders" },
  { name: "syncFulfillments", label: "Report shipments" },
  { name: "syncInventory", label: "Push stock" },
];

/** One switch flipped: the update touches nothing else. */
export function switchInput(id: string, name: Switch, on: boolean): UpdateChannelConnectionInput {
  return { id, [name]: on };
}

/** New credentials: both sent together, nothing else changed. */
export function credentialsInput(id: string, apiKey: string, apiSecret: string): UpdateChannelConnectionInput {
  return { id, apiKey, apiSecret };
}

/** `2026-12-01T09:30` typed in a datetime box, in the person's own zone, as ISO UTC; null when empty. */
export function sinceOf(local: string): string | null {
  if (!local) return null;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** The resync input: orders since a time and/or a full stock push; null when neither is asked. */
export function resyncInput(id: string, ordersSince: string, fullStockPush: boolean): ResyncChannelInput | null {
  const since = sinceOf(ordersSince);
  if (!since && !fullStockPush) return null;
  return { id, ordersSince: since, fullStockPush };
}

/** Seconds as people read a lag: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`; `—` before the first poll. */
export function formatLag(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** A lag past which a connection that imports orders needs a look: three 5-minute polls missed. */
export const STALE_LAG_SECONDS = 15 * 60;

/** The word for a connection's health in the list. */
export function healthOf(connection: {
  importOrders: boolean;
  lastError?: string | null;
  lagSeconds?: number | null;
  disconnectedAt?: string | null;
}): "Disconnected" | "Failing" | "Behind" | "Not polled yet" | "OK" | "Off" {
  if (connection.disconnectedAt) return "Disconnected";
  if (connection.lastError) return "Failing";
  if (!connection.importOrders) return "Off";
  if (connection.lagSeconds === null || connection.lagSeconds === undefined) return "Not polled yet";
  return connection.lagSeconds > STALE_LAG_SECONDS ? "Behind" : "OK";
}

type Hold = { reason: string; unmappedSkus: readonly string[]; releasedAt?: string | null };

/** The channel SKUs an order is held for: its unreleased holds' `unmappedSkus` (the API's
 * list, narrowed by each mapping since the import), each once. */
export function unmappedSkusOf(holds: readonly Hold[]): string[] {
  const found: string[] = [];
  for (const hold of holds) {
    if (hold.releasedAt) continue;
    for (const sku of hold.unmappedSkus) if (!found.includes(sku)) found.push(sku);
  }
  return found;
}

/** Each unmapped SKU with the held orders waiting for it, SKUs in first-seen order. */
export function waitingBySku<Order extends { holds: readonly Hold[] }>(orders: readonly Order[]): [string, Order[]][] {
  const bySku = new Map<string, Order[]>();
  for (const order of orders)
    for (const sku of unmappedSkusOf(order.holds)) bySku.set(sku, [...(bySku.get(sku) ?? []), order]);
  return [...bySku.entries()];
}

/** A connection as far as telling its imports apart goes: its id, name and client. */
export type ImportingShop = { id: string; name: string; client?: { id: string } | null };

/**
 * Whether an order event moves a connection's counts: its import (`order.created` of an
 * order the connection imported, a held one's too) or the release of such an order from
 * hold (its payload's `previous_status` ON_HOLD: a held import counts as imported from
 * then on). Both name the connection in their payload's `channel_connection_id` (null:
 * not an import). Events written before they did are matched as they were then: an order
 * of the connection's client whose reference is `<connection name>-<channel order id>`,
 * which cannot tell "shop" from "shop-eu". A page showing these connections' counts and
 * last import reads them again for it; other events (other clients', hand-made orders',
 * later steps of imported orders) cannot change them and cost no read.
 */
export function importedInto(
  event: { topic: string; payload?: unknown },
  shops: readonly ImportingShop[],
): boolean {
  const payload = (event.payload ?? {}) as {
    client_id?: unknown;
    external_reference?: unknown;
    previous_status?: unknown;
    channel_connection_id?: unknown;
  };
  if (event.topic !== "ORDER_CREATED" && payload.previous_status !== "ON_HOLD") return false;
  if ("channel_connection_id" in payload) {
    const connectionId = payload.channel_connection_id;
    if (typeof connectionId !== "string") return false; // not an import
    const id = btoa(`ChannelConnection:${connectionId}`);
    return shops.some((shop) => shop.id === id);
  }
  const { client_id: clientId, external_reference: reference } = payload;
  if (typeof clientId !== "string" || typeof reference !== "string") return false;
  const client = btoa(`Client:${clientId}`);
  return shops.some((shop) => shop.client?.id === client && reference.startsWith(`${shop.name}-`));
}
