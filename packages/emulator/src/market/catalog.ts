/**
 * What the seeded marketplace is made of: the GPU machine names the reference knows (§2.2.2,
 * [S] `MACHINE_PRICES`, plus a few more seen on lium.io), with memory in MiB as `nvidia-smi`
 * reports it, and host locations with coordinates.
 */
export interface GpuModel {
  machineName: string;
  /** GPU memory per card in MiB. */
  capacityMiB: number;
  /** Typical $/GPU·h; the generator spreads prices ±25 % around it. */
  pricePerGpu: number;
  /** Relative share of the marketplace. */
  weight: number;
  /** Newest CUDA version the usual driver for this card supports. */
  maxCuda: readonly number[];
  /** Server cards come with NVLink on multi-GPU hosts. */
  nvlinkCapable: boolean;
  powerLimit: number;
  memorySpeed: number;
  graphicsSpeed: number;
  pcieSpeed: number;
}

export const GPU_MODELS: readonly GpuModel[] = [
  gpu('NVIDIA B200', 183_359, 4.9, 3, [12.8, 12.9], true, 1000, 8000, 1965, 64_000),
  gpu('NVIDIA H200', 143_771, 3.4, 5, [12.4, 12.6, 12.8], true, 700, 4800, 1980, 64_000),
  gpu(
    'NVIDIA H100 80GB HBM3',
    81_559,
    2.4,
    10,
    [12.2, 12.4, 12.6, 12.8],
    true,
    700,
    3350,
    1980,
    64_000,
  ),
  gpu('NVIDIA H100 NVL', 95_830, 2.2, 4, [12.2, 12.4, 12.8], true, 400, 3900, 1785, 64_000),
  gpu('NVIDIA H100 PCIe', 81_559, 1.95, 5, [12.2, 12.4], false, 350, 2000, 1755, 64_000),
  gpu('NVIDIA H800 80GB HBM3', 81_559, 2.0, 2, [12.2, 12.4], true, 700, 3350, 1980, 64_000),
  gpu('NVIDIA A100-SXM4-80GB', 81_920, 1.35, 8, [12.0, 12.2, 12.4], true, 400, 2039, 1410, 32_000),
  gpu('NVIDIA A100 80GB PCIe', 81_920, 1.15, 4, [12.0, 12.2], false, 300, 1935, 1410, 32_000),
  gpu('NVIDIA A100-SXM4-40GB', 40_960, 0.95, 3, [11.8, 12.0, 12.2], true, 400, 1555, 1410, 32_000),
  gpu('NVIDIA L40S', 46_068, 0.95, 7, [12.2, 12.4, 12.6], false, 350, 864, 2520, 32_000),
  gpu('NVIDIA L40', 46_068, 0.8, 3, [12.2, 12.4], false, 300, 864, 2490, 32_000),
  gpu('NVIDIA L4', 23_034, 0.38, 3, [12.2, 12.4], false, 72, 300, 2040, 32_000),
  gpu('NVIDIA A40', 46_068, 0.5, 3, [12.0, 12.2], false, 300, 696, 1740, 32_000),
  gpu('NVIDIA A10', 23_028, 0.32, 2, [12.0, 12.2], false, 150, 600, 1695, 32_000),
  gpu('NVIDIA RTX A6000', 49_140, 0.55, 6, [12.0, 12.2, 12.4], false, 300, 768, 1800, 32_000),
  gpu(
    'NVIDIA RTX 6000 Ada Generation',
    49_140,
    0.85,
    4,
    [12.2, 12.4, 12.6],
    false,
    300,
    960,
    2505,
    32_000,
  ),
  gpu('NVIDIA RTX A5000', 24_564, 0.3, 3, [12.0, 12.2], false, 230, 768, 1695, 32_000),
  gpu('NVIDIA RTX A4000', 16_376, 0.2, 2, [12.0, 12.2], false, 140, 448, 1560, 32_000),
  gpu(
    'NVIDIA RTX PRO 6000 Blackwell Server Edition',
    97_887,
    1.6,
    2,
    [12.8, 12.9],
    false,
    600,
    1792,
    2617,
    64_000,
  ),
  gpu('NVIDIA GeForce RTX 5090', 32_607, 0.75, 6, [12.8, 12.9], false, 575, 1792, 2407, 64_000),
  gpu(
    'NVIDIA GeForce RTX 4090',
    24_564,
    0.42,
    12,
    [12.2, 12.4, 12.6, 12.8],
    false,
    450,
    1008,
    2520,
    32_000,
  ),
  gpu(
    'NVIDIA GeForce RTX 3090',
    24_576,
    0.22,
    5,
    [11.8, 12.0, 12.2],
    false,
    350,
    936,
    1695,
    16_000,
  ),
];

function gpu(
  machineName: string,
  capacityMiB: number,
  pricePerGpu: number,
  weight: number,
  maxCuda: readonly number[],
  nvlinkCapable: boolean,
  powerLimit: number,
  memorySpeed: number,
  graphicsSpeed: number,
  pcieSpeed: number,
): GpuModel {
  return {
    machineName,
    capacityMiB,
    pricePerGpu,
    weight,
    maxCuda,
    nvlinkCapable,
    powerLimit,
    memorySpeed,
    graphicsSpeed,
    pcieSpeed,
  };
}

export interface Place {
  country: string;
  country_code: string;
  region: string;
  region_name: string;
  city: string;
  zip: string;
  lat: number;
  lon: number;
  timezone: string;
}

export const PLACES: readonly Place[] = [
  place(
    'United States',
    'US',
    'CA',
    'California',
    'San Jose',
    '95141',
    37.3394,
    -121.895,
    'America/Los_Angeles',
  ),
  place(
    'United States',
    'US',
    'CA',
    'California',
    'Los Angeles',
    '90017',
    34.0522,
    -118.2437,
    'America/Los_Angeles',
  ),
  place(
    'United States',
    'US',
    'TX',
    'Texas',
    'Dallas',
    '75201',
    32.7767,
    -96.797,
    'America/Chicago',
  ),
  place(
    'United States',
    'US',
    'VA',
    'Virginia',
    'Ashburn',
    '20149',
    39.0438,
    -77.4874,
    'America/New_York',
  ),
  place(
    'United States',
    'US',
    'NY',
    'New York',
    'New York',
    '10001',
    40.7128,
    -74.006,
    'America/New_York',
  ),
  place(
    'United States',
    'US',
    'IL',
    'Illinois',
    'Chicago',
    '60601',
    41.8781,
    -87.6298,
    'America/Chicago',
  ),
  place(
    'United States',
    'US',
    'WA',
    'Washington',
    'Seattle',
    '98101',
    47.6062,
    -122.3321,
    'America/Los_Angeles',
  ),
  place(
    'United States',
    'US',
    'UT',
    'Utah',
    'Salt Lake City',
    '84101',
    40.7608,
    -111.891,
    'America/Denver',
  ),
  place('Canada', 'CA', 'QC', 'Quebec', 'Montreal', 'H2X', 45.5017, -73.5673, 'America/Toronto'),
  place('Canada', 'CA', 'ON', 'Ontario', 'Toronto', 'M5H', 43.6532, -79.3832, 'America/Toronto'),
  place(
    'Germany',
    'DE',
    'HE',
    'Hesse',
    'Frankfurt am Main',
    '60313',
    50.1109,
    8.6821,
    'Europe/Berlin',
  ),
  place(
    'Netherlands',
    'NL',
    'NH',
    'North Holland',
    'Amsterdam',
    '1012',
    52.3676,
    4.9041,
    'Europe/Amsterdam',
  ),
  place(
    'United Kingdom',
    'GB',
    'ENG',
    'England',
    'London',
    'EC2V',
    51.5072,
    -0.1276,
    'Europe/London',
  ),
  place('France', 'FR', 'IDF', 'Île-de-France', 'Paris', '75001', 48.8566, 2.3522, 'Europe/Paris'),
  place('Finland', 'FI', '18', 'Uusimaa', 'Helsinki', '00100', 60.1699, 24.9384, 'Europe/Helsinki'),
  place(
    'Sweden',
    'SE',
    'AB',
    'Stockholm',
    'Stockholm',
    '111 20',
    59.3293,
    18.0686,
    'Europe/Stockholm',
  ),
  place('Poland', 'PL', '14', 'Mazovia', 'Warsaw', '00-001', 52.2297, 21.0122, 'Europe/Warsaw'),
  place('Norway', 'NO', '03', 'Oslo', 'Oslo', '0150', 59.9139, 10.7522, 'Europe/Oslo'),
  place('Japan', 'JP', '13', 'Tokyo', 'Tokyo', '100-0001', 35.6762, 139.6503, 'Asia/Tokyo'),
  place(
    'Singapore',
    'SG',
    '01',
    'Central Singapore',
    'Singapore',
    '018956',
    1.3521,
    103.8198,
    'Asia/Singapore',
  ),
  place('South Korea', 'KR', '11', 'Seoul', 'Seoul', '04524', 37.5665, 126.978, 'Asia/Seoul'),
  place('India', 'IN', 'MH', 'Maharashtra', 'Mumbai', '400001', 19.076, 72.8777, 'Asia/Kolkata'),
  place(
    'Australia',
    'AU',
    'NSW',
    'New South Wales',
    'Sydney',
    '2000',
    -33.8688,
    151.2093,
    'Australia/Sydney',
  ),
  place(
    'Brazil',
    'BR',
    'SP',
    'São Paulo',
    'São Paulo',
    '01000-000',
    -23.5505,
    -46.6333,
    'America/Sao_Paulo',
  ),
  place(
    'Iceland',
    'IS',
    '1',
    'Capital Region',
    'Reykjavík',
    '101',
    64.1466,
    -21.9426,
    'Atlantic/Reykjavik',
  ),
];

function place(
  country: string,
  country_code: string,
  region: string,
  region_name: string,
  city: string,
  zip: string,
  lat: number,
  lon: number,
  timezone: string,
): Place {
  return { country, country_code, region, region_name, city, zip, lat, lon, timezone };
}

export const CPU_MODELS: readonly string[] = [
  'AMD EPYC 9654 96-Core Processor',
  'AMD EPYC 7763 64-Core Processor',
  'AMD EPYC 7B13 64-Core Processor',
  'Intel(R) Xeon(R) Platinum 8480+',
  'Intel(R) Xeon(R) Platinum 8468',
  'AMD Ryzen Threadripper PRO 5975WX 32-Cores',
  'AMD EPYC 7543 32-Core Processor',
  'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
];

/** NVIDIA drivers and the CUDA version each supports, as `nvidia-smi` reports them. */
export const DRIVERS: readonly { driver: string; cuda: number }[] = [
  { driver: '525.147.05', cuda: 12.0 },
  { driver: '535.183.01', cuda: 12.2 },
  { driver: '550.127.05', cuda: 12.4 },
  { driver: '560.35.03', cuda: 12.6 },
  { driver: '570.133.20', cuda: 12.8 },
  { driver: '575.57.08', cuda: 12.9 },
];
