import { Random, WeightedTable } from './random';

/** The demo shop's assortment: categories, products with skewed popularity, sellers, search queries. */

export const SHOP_ORIGIN = 'https://shop.example';

interface CategorySpec {
  name: string;
  weight: number;
  /** Median price in KRW. */
  price: number;
  queries: readonly string[];
}

export const CATEGORIES: readonly CategorySpec[] = [
  { name: 'fashion', weight: 20, price: 39_000, queries: ['원피스', '청바지', '맨투맨', '패딩', '트렌치코트', 'nike'] },
  { name: 'beauty', weight: 13, price: 24_000, queries: ['선크림', '쿠션팩트', '립스틱', '토너', '샴푸'] },
  { name: 'food', weight: 12, price: 18_000, queries: ['생수', '라면', '닭가슴살', '커피', '견과류'] },
  { name: 'electronics', weight: 9, price: 240_000, queries: ['노트북', '에어팟', '갤럭시', '아이패드', '모니터'] },
  { name: 'appliances', weight: 5, price: 380_000, queries: ['공기청정기', '로봇청소기', '에어프라이어', '제습기'] },
  { name: 'home_living', weight: 9, price: 22_000, queries: ['수건', '이불', '수납함', '디퓨저', '욕실화'] },
  { name: 'furniture', weight: 4, price: 190_000, queries: ['책상', '의자', '소파', '침대 프레임'] },
  { name: 'sports', weight: 7, price: 48_000, queries: ['운동화', '요가매트', '캠핑의자', '러닝화', '텐트'] },
  { name: 'kids', weight: 6, price: 32_000, queries: ['기저귀', '유아식', '장난감', '레고'] },
  { name: 'books', weight: 5, price: 16_000, queries: ['소설', '자기계발', '영어 교재', '만화책'] },
  { name: 'pets', weight: 5, price: 29_000, queries: ['강아지 사료', '고양이 모래', '간식', '하네스'] },
  { name: 'health', weight: 5, price: 36_000, queries: ['유산균', '비타민', '오메가3', '단백질 쉐이크'] },
];

/** Typos and rare terms: the usual source of zero-result searches. */
export const ZERO_RESULT_QUERIES: readonly string[] = [
  '에어팟ㅡ로', 'ㄴㅣ트', 'asdf', '갤럭시 s99', '노트묵', '한정판 굿즈 2019', '샴프', '케이스 투명 초경량 무선',
];

export const CATEGORY_NAMES = CATEGORIES.map((c) => c.name);
export const CATEGORY_URLS = CATEGORIES.map((c) => `${SHOP_ORIGIN}/category/${c.name}`);
export const QUERY_URLS = new Map<string, string>(
  [...CATEGORIES.flatMap((c) => c.queries), ...ZERO_RESULT_QUERIES].map((q) => [
    q,
    `${SHOP_ORIGIN}/search?q=${encodeURIComponent(q)}`,
  ]),
);

export const REGIONS = WeightedTable.fromRecord({
  seoul: 36,
  gyeonggi: 26,
  incheon: 6,
  busan: 7,
  daegu: 4,
  gwangju: 3,
  daejeon: 3,
  ulsan: 2,
  sejong: 1,
  gangwon: 2,
  chungbuk: 2,
  chungnam: 2,
  jeonbuk: 2,
  jeonnam: 2,
  gyeongbuk: 2,
  gyeongnam: 4,
  jeju: 1,
});

const INITIAL_PRODUCTS = 3_000;
const SELLERS = 240;

/**
 * Products by popularity rank: index 0 sells most. Slots past `available` are listed by sellers
 * while the traffic runs (they start unpopular); until then nobody can see them.
 */
export class ProductCatalog {
  readonly ids: string[] = [];
  readonly urls: string[] = [];
  readonly category: Uint8Array;
  readonly price: Int32Array;
  readonly seller: Int32Array;
  readonly sellerIds: string[];
  readonly sellerVisitorIds: string[];
  readonly sellerRegions: string[];
  available = INITIAL_PRODUCTS;
  private readonly popularity: WeightedTable<number>;
  private readonly byCategory: Array<WeightedTable<number>>;

  constructor(seed: number, readonly capacity = INITIAL_PRODUCTS + 2_000) {
    const rng = new Random(seed, 1);
    const categories = new WeightedTable(CATEGORIES.map((c, i) => [i, c.weight] as const));
    this.category = new Uint8Array(capacity);
    this.price = new Int32Array(capacity);
    this.seller = new Int32Array(capacity);
    const sellerTable = new WeightedTable(Array.from({ length: SELLERS }, (_, i) => [i, 1 / (i + 3)] as const));
    this.sellerIds = Array.from({ length: SELLERS }, (_, i) => `s${1000 + i}`);
    this.sellerVisitorIds = this.sellerIds.map((id) => `seller-${id}`);
    this.sellerRegions = this.sellerIds.map(() => REGIONS.pick(rng));
    // Shuffled numbers so that the best seller is not p100000.
    const numbers = Array.from({ length: INITIAL_PRODUCTS }, (_, i) => i);
    for (let i = numbers.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [numbers[i], numbers[j]] = [numbers[j]!, numbers[i]!];
    }
    const weights: Array<readonly [number, number]> = [];
    const perCategory: Array<Array<readonly [number, number]>> = CATEGORIES.map(() => []);
    for (let i = 0; i < capacity; i++) {
      const c = categories.pick(rng);
      const spec = CATEGORIES[c]!;
      this.category[i] = c;
      this.price[i] = Math.max(1_000, Math.round(rng.lognormal(spec.price, 0.55) / 100) * 100);
      this.seller[i] = sellerTable.pick(rng);
      const id = `p${100_000 + (i < INITIAL_PRODUCTS ? numbers[i]! : i)}`;
      this.ids.push(id);
      this.urls.push(`${SHOP_ORIGIN}/product/${id}`);
      const weight = 1 / Math.pow(i + 8, 1.1);
      weights.push([i, weight]);
      perCategory[c]!.push([i, weight]);
    }
    this.popularity = new WeightedTable(weights);
    this.byCategory = perCategory.map((entries) => new WeightedTable(entries.length > 0 ? entries : [[0, 1]]));
  }

  /** A product by popularity, from one category when `category` >= 0. */
  sample(rng: Random, category = -1): number {
    const table = category >= 0 ? this.byCategory[category]! : this.popularity;
    for (let attempt = 0; attempt < 4; attempt++) {
      const p = table.pick(rng);
      if (p < this.available) return p;
    }
    return category >= 0 ? this.fallbackIn(rng, category) : rng.int(this.available);
  }

  /** The next product a seller lists, or an existing one relisted once every slot is used. */
  list(rng: Random): number {
    if (this.available < this.capacity) return this.available++;
    return rng.int(this.capacity);
  }

  private fallbackIn(rng: Random, category: number): number {
    for (let p = rng.int(this.available), n = 0; n < this.available; n++, p = (p + 1) % this.available) {
      if (this.category[p] === category) return p;
    }
    return 0;
  }
}
