import { REGIONS } from './catalog';
import { hash32, Random, WeightedTable } from './random';

/**
 * Everyone who has visited the demo shop. Returning visitors keep their id, device, platform,
 * region and membership across days; typed arrays keep a large pool cheap.
 */

export const PLATFORMS = ['web', 'ios', 'android'] as const;
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Share of visitors on the web; the rest use the iOS and Android apps. */
export const WEB_SHARE = 0.55;
const PLATFORM_TABLE = new WeightedTable<number>([
  [0, WEB_SHARE],
  [1, 0.2],
  [2, 0.25],
]);
const WEB_DEVICE = new WeightedTable<number>([
  [0, 0.45],
  [1, 0.5],
  [2, 0.05],
]);
const APP_DEVICE = new WeightedTable<number>([
  [1, 0.92],
  [2, 0.08],
]);

/** Share of new visitors who already had an account before the data starts. */
const EXISTING_MEMBERS = 0.25;

export class VisitorPool {
  size = 0;
  platform = new Uint8Array(1024);
  device = new Uint8Array(1024);
  region = new Uint8Array(1024);
  /** User number, or -1 for visitors without an account. */
  user = new Int32Array(1024);
  private users = 0;

  constructor(private readonly salt: number) {}

  /** A new visitor; `socialMobile` for crowds arriving from a social post on their phones. */
  add(rng: Random, socialMobile = false): number {
    if (this.size === this.platform.length) this.grow();
    const v = this.size++;
    const platform = socialMobile ? (rng.chance(0.8) ? 0 : 1 + rng.int(2)) : PLATFORM_TABLE.pick(rng);
    this.platform[v] = platform;
    this.device[v] = platform === 0 ? (socialMobile ? 1 : WEB_DEVICE.pick(rng)) : APP_DEVICE.pick(rng);
    this.region[v] = REGIONS.index(rng);
    this.user[v] = !socialMobile && rng.chance(EXISTING_MEMBERS) ? this.newUser() : -1;
    return v;
  }

  /** A returning visitor: a loyal core comes back far more often than the rest. */
  pickReturning(rng: Random): number {
    const u = rng.next();
    return Math.floor(this.size * (rng.chance(0.5) ? u : u * u * u));
  }

  newUser(): number {
    return this.users++;
  }

  visitorId(v: number): string {
    return `v${hash32(v, this.salt).toString(36).padStart(7, '0')}${v.toString(36)}`;
  }

  userId(user: number): string {
    return `u${100_000 + user}`;
  }

  private grow(): void {
    const size = this.platform.length * 2;
    const widen = <A extends Uint8Array | Int32Array>(old: A, next: A): A => {
      next.set(old);
      return next;
    };
    this.platform = widen(this.platform, new Uint8Array(size));
    this.device = widen(this.device, new Uint8Array(size));
    this.region = widen(this.region, new Uint8Array(size));
    this.user = widen(this.user, new Int32Array(size));
  }
}
