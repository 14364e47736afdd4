// The demo shop's catalog: 120 products in 8 categories, generated from a fixed seed so
// every build (and every test) sees the same shop. Each category has five kinds of product
// and each kind three models; a product's picture is drawn from its kind, model and colour
// (pictures.js). Prices are whole cents, so they add up exactly.

/**
 * kinds: [noun, picture, [lowest, highest] price in euros, what the kind is,
 *         [[model, what this model is made of / does] × 3]]
 */
const CATEGORIES = [
  {
    slug: 'shoes', name: 'Shoes', hue: 12,
    colours: ['navy', 'white', 'tan', 'black', 'forest green', 'rust', 'stone grey'],
    kinds: [
      ['Sneaker', 'sneaker', [55, 129], 'A low-top sneaker that goes with everything.', [
        ['Harbor Canvas', 'Washed cotton canvas on a vulcanised rubber sole'],
        ['Metro Leather', 'Smooth full-grain leather with a padded collar'],
        ['Court Classic', 'Perforated leather and a stitched cupsole'],
      ]],
      ['Loafer', 'loafer', [79, 169], 'A slip-on loafer, smart enough for the office.', [
        ['Milano Suede', 'Soft suede with a hand-sewn moccasin toe'],
        ['Penny', 'Polished calf leather with the classic penny strap'],
        ['Riviera Driving', 'Unlined nubuck on a flexible pebble sole'],
      ]],
      ['Boot', 'boot', [99, 189], 'An ankle boot for wet streets and long walks.', [
        ['Camden Chelsea', 'Oiled leather with elastic side panels'],
        ['Timber Lace-Up', 'Waxed nubuck on a lugged commando sole'],
        ['Nordic Lined', 'Water-repellent suede with a warm wool lining'],
      ]],
      ['Sandal', 'sandal', [35, 89], 'An open sandal for hot days and beach towns.', [
        ['Coast Slide', 'One wide strap over a cork footbed'],
        ['Terra Two-Strap', 'Adjustable buckled straps and a contoured sole'],
        ['Lido Woven', 'Hand-woven leather straps on a light, flexible sole'],
      ]],
      ['Runner', 'runner', [89, 179], 'A running shoe with cushioning for the long miles.', [
        ['Tempo Road', 'Breathable mesh over a springy foam midsole'],
        ['Ridge Trail', 'Grippy lugs and a rock plate for rough trails'],
        ['Pace Daily', 'A light knit upper and a rockered sole for easy runs'],
      ]],
    ],
  },
  {
    slug: 'jackets', name: 'Jackets', hue: 210,
    colours: ['navy', 'olive', 'black', 'sand', 'rust', 'sky blue', 'charcoal', 'burgundy'],
    kinds: [
      ['Parka', 'parka', [169, 319], 'A long, warm parka with a hood, for real winters.', [
        ['Arctic Down', 'Responsibly sourced down, warm to −20 °C'],
        ['Fjord Fishtail', 'A waxed cotton shell with a detachable fleece liner'],
        ['Tundra Insulated', 'Recycled synthetic fill that stays warm when wet'],
      ]],
      ['Rain Jacket', 'rain', [89, 189], 'A light shell that keeps the rain out and packs small.', [
        ['Drizzle Packable', 'Folds into its own pocket; taped seams throughout'],
        ['Monsoon Three-Layer', 'A waterproof, breathable membrane and underarm zips'],
        ['Squall Hooded', 'A peaked, adjustable hood and a dropped back hem'],
      ]],
      ['Bomber', 'bomber', [99, 219], 'A short bomber jacket with ribbed cuffs and hem.', [
        ['Flight Nylon', 'Satin-finish nylon with a bright orange lining'],
        ['Varsity Wool', 'A melton wool body with contrast ribbing'],
        ['Aviator Suede', 'Soft goat suede over a quilted lining'],
      ]],
      ['Gilet', 'gilet', [59, 149], 'A sleeveless layer that keeps your core warm.', [
        ['Featherlight Quilted', 'Down baffles that pack into a fist-sized pouch'],
        ['Highland Fleece', 'Heavy recycled fleece with zipped hand pockets'],
        ['Utility Canvas', 'Tough cotton canvas with four cargo pockets'],
      ]],
      ['Overshirt', 'overshirt', [69, 139], 'Half shirt, half jacket: the layer for in-between weather.', [
        ['Workwear Twill', 'Heavy cotton twill with two chest pockets'],
        ['Cabin Flannel', 'Brushed flannel in a soft, heavy weight'],
        ['Corduroy Chore', 'Eight-wale corduroy with horn buttons'],
      ]],
    ],
  },
  {
    slug: 'knitwear', name: 'Knitwear', hue: 330,
    colours: ['cream', 'burgundy', 'sage', 'navy', 'mustard', 'plum', 'charcoal', 'dusty rose'],
    kinds: [
      ['Cardigan', 'cardigan', [69, 149], 'A button-through cardigan to wear open or closed.', [
        ['Shetland', 'Pure Shetland wool, knitted in Scotland'],
        ['Grandpa Cable', 'Chunky cables and leather-look buttons'],
        ['Fine Merino', 'Extra-fine merino, light enough for spring'],
      ]],
      ['Crewneck', 'crewneck', [49, 129], 'A crew-neck jumper for every day of the year.', [
        ['Lambswool', 'Soft lambswool with ribbed cuffs and hem'],
        ['Breton Stripe', 'Striped cotton knit in the French tradition'],
        ['Fisherman Rib', 'A deep rib stitch in a heavy, oiled yarn'],
      ]],
      ['Turtleneck', 'turtleneck', [59, 139], 'A close-fitting roll neck that layers under anything.', [
        ['Cashmere', 'Two-ply Mongolian cashmere'],
        ['Alpine Ribbed', 'Ribbed merino that keeps its shape'],
        ['Silk Blend', 'A smooth silk and merino blend with a soft sheen'],
      ]],
      ['Hoodie', 'hoodie', [45, 99], 'A heavyweight hoodie with a kangaroo pocket.', [
        ['Loopback', 'Garment-dyed loopback cotton jersey'],
        ['Knit Zip', 'A knitted full-zip hoodie in organic cotton'],
        ['Weekend Fleece', 'Brushed-back fleece that gets softer with every wash'],
      ]],
      ['Beanie', 'beanie', [19, 49], 'A warm knitted beanie with a turned-up cuff.', [
        ['Classic Cuffed', 'Fine-gauge merino in a classic fit'],
        ['Chunky Pompom', 'Chunky wool with a big pompom on top'],
        ['Fisherman', 'A short, ribbed beanie that sits above the ears'],
      ]],
    ],
  },
  {
    slug: 'bags', name: 'Bags', hue: 35,
    colours: ['tan', 'black', 'olive', 'navy', 'cognac', 'sand', 'burgundy'],
    kinds: [
      ['Backpack', 'backpack', [59, 179], 'A daily backpack with a padded laptop sleeve.', [
        ['Commuter Rolltop', 'A waterproof rolltop that grows from 20 to 26 litres'],
        ['Campus Classic', 'Two roomy compartments and a front zip pocket'],
        ['Daypack Light', 'Ripstop nylon that weighs under 400 g'],
      ]],
      ['Tote', 'tote', [29, 119], 'A roomy tote for the market, the beach or the office.', [
        ['Market Canvas', 'Heavy canvas with leather handles'],
        ['Shopper Leather', 'Vegetable-tanned leather that ages beautifully'],
        ['Beach Woven', 'Woven paper straw with a cotton lining'],
      ]],
      ['Weekender', 'weekender', [99, 259], 'A duffel sized for two nights away.', [
        ['Voyager Duffel', 'Waxed canvas with leather trims and a shoe compartment'],
        ['Overnight Leather', 'Full-grain leather that fits airline cabin limits'],
        ['Getaway Nylon', 'Water-resistant nylon with a detachable shoulder strap'],
      ]],
      ['Crossbody', 'crossbody', [39, 129], 'A small crossbody bag for phone, keys and cards.', [
        ['City Sling', 'An adjustable strap and an RFID-blocking pocket'],
        ['Saddle Mini', 'A curved saddle shape in pebbled leather'],
        ['Festival Pouch', 'Compact and light, with a hidden back pocket'],
      ]],
      ['Wallet', 'wallet', [25, 79], 'A slim wallet that carries what you need and no more.', [
        ['Bifold Classic', 'Six card slots and a note compartment'],
        ['Cardholder Slim', 'Four card slots, thin enough for a front pocket'],
        ['Zip Around', 'A zip-around wallet with a coin pocket'],
      ]],
    ],
  },
  {
    slug: 'watches', name: 'Watches', hue: 260,
    colours: ['black', 'navy', 'olive', 'tan', 'charcoal', 'forest green', 'burgundy'],
    kinds: [
      ['Field Watch', 'field', [89, 249], 'A legible, tough watch in the military tradition.', [
        ['Ranger 38', 'A 38 mm steel case on a canvas strap'],
        ['Scout Automatic', 'An automatic movement behind sapphire crystal'],
        ['Trail Solar', 'Solar powered, so it never needs a new battery'],
      ]],
      ['Diver', 'diver', [149, 549], 'A diving watch with a turning bezel, water-resistant to 200 m.', [
        ['Abyss 200', 'A one-way ceramic bezel and luminous hands'],
        ['Reef Automatic', 'A Japanese automatic movement on a steel bracelet'],
        ['Tide Quartz', 'Accurate quartz on a quick-release rubber strap'],
      ]],
      ['Chronograph', 'chrono', [179, 599], 'A chronograph with stopwatch subdials.', [
        ['Racing', 'A tachymeter scale for timing the fast laps'],
        ['Pilot', 'A large, legible dial inspired by cockpit clocks'],
        ['Panda', 'Contrasting subdials, a 1960s classic'],
      ]],
      ['Dress Watch', 'dress', [129, 449], 'A thin, quiet watch for shirt cuffs and special days.', [
        ['Slim 36', 'Only 6 mm thin, on an Italian leather strap'],
        ['Moonphase', 'A moonphase display under a domed crystal'],
        ['Heritage', 'A brushed case and applied hour markers'],
      ]],
      ['Smart Band', 'band', [49, 199], 'A fitness band that tracks steps, sleep and heart rate.', [
        ['Pulse', 'A week of battery life and a bright always-on display'],
        ['Active GPS', 'Built-in GPS for runs and rides'],
        ['Slumber', 'A soft band made to be worn all night'],
      ]],
    ],
  },
  {
    slug: 'kitchen', name: 'Kitchen', hue: 150,
    colours: ['charcoal', 'cream', 'sage', 'rust', 'navy', 'mustard', 'forest green', 'sky blue'],
    kinds: [
      ['Chef Knife', 'knife', [39, 189], "A chef's knife for chopping, slicing and dicing.", [
        ['Santoku', 'Japanese steel with a hollow-ground edge'],
        ['Gyuto', 'A Damascus-clad blade with a walnut handle'],
        ['Forged', 'Fully forged German steel, balanced at the bolster'],
      ]],
      ['Skillet', 'skillet', [29, 99], 'A frying pan that goes from hob to oven.', [
        ['Cast Iron', 'Pre-seasoned cast iron, 26 cm across'],
        ['Carbon Steel', 'Light carbon steel that gets more non-stick with use'],
        ['Ceramic Nonstick', 'A PFAS-free ceramic coating on an aluminium core'],
      ]],
      ['Dutch Oven', 'dutch', [69, 219], 'A heavy casserole for stews, bread and slow roasts.', [
        ['Enamelled', 'Enamelled cast iron, 4.7 litres'],
        ['Shallow', 'A wide, shallow shape for browning and braising'],
        ['Family Size', 'Seven litres: a stew for eight'],
      ]],
      ['Kettle', 'kettle', [29, 129], 'A kettle for tea, coffee and everything in between.', [
        ['Gooseneck Pour-Over', 'A slim spout for slow, precise pour-over coffee'],
        ['Stovetop Whistling', 'It whistles when the water boils'],
        ['Variable Electric', 'Electric, with five temperature settings for tea'],
      ]],
      ['Mug', 'mug', [12, 29], 'A generous mug for the first coffee of the day.', [
        ['Stoneware', 'Hand-glazed stoneware, 350 ml'],
        ['Diner', 'A thick-walled diner mug that keeps coffee hot'],
        ['Speckled', 'A speckled glaze, each one slightly different'],
      ]],
    ],
  },
  {
    slug: 'lighting', name: 'Lighting', hue: 50,
    colours: ['black', 'white', 'brass', 'sage', 'rust', 'navy', 'mustard'],
    kinds: [
      ['Desk Lamp', 'desklamp', [39, 189], 'An adjustable desk lamp with a warm LED.', [
        ['Architect', 'A sprung, jointed arm that stays where you put it'],
        ['Studio', 'A dimmable, flicker-free LED on a weighted base'],
        ['Reading', 'A narrow beam that lights the page, not the room'],
      ]],
      ['Floor Lamp', 'floorlamp', [89, 399], 'A floor lamp that lights a whole corner.', [
        ['Arc', 'An arching steel arm that reaches over the sofa'],
        ['Tripod', 'Three oak legs and a linen drum shade'],
        ['Uplighter', 'It bounces soft light off the ceiling'],
      ]],
      ['Pendant', 'pendant', [59, 299], 'A pendant light for over the dining table.', [
        ['Dome', 'A spun-aluminium dome, 40 cm across'],
        ['Opal Globe', 'An opal glass globe that glows evenly'],
        ['Cone', 'A slim cone that throws a pool of light on the table'],
      ]],
      ['Lantern', 'lantern', [29, 119], 'A lantern for the garden, the balcony or a power cut.', [
        ['Storm', 'A hurricane glass for a candle or an LED'],
        ['Rechargeable', 'USB-C rechargeable, 40 hours on low'],
        ['Moroccan', 'Pierced metal that scatters the light'],
      ]],
      ['Wall Light', 'walllight', [45, 179], 'A wall light that frees up the bedside table.', [
        ['Swing Arm', 'A swivelling arm and a plug-in cable'],
        ['Sconce', 'A classic sconce with a fabric shade'],
        ['Picture', 'A slim bar that washes a painting with light'],
      ]],
    ],
  },
  {
    slug: 'outdoor', name: 'Outdoor', hue: 95,
    colours: ['orange', 'forest green', 'sky blue', 'olive', 'red', 'mustard', 'navy', 'teal'],
    kinds: [
      ['Tent', 'tent', [149, 479], 'A tent that pitches in minutes and stands up to wind.', [
        ['Summit Two-Person', 'Two people, 2.1 kg, two doors and two porches'],
        ['Basecamp Family', 'Four people, with room to stand up in the middle'],
        ['Featherweight Solo', 'One person, 980 g, pitched with trekking poles'],
      ]],
      ['Sleeping Bag', 'sleepingbag', [69, 299], 'A sleeping bag for cold nights under the sky.', [
        ['Mummy Down', 'A 750-fill down mummy bag, comfortable to −5 °C'],
        ['Three-Season', 'Synthetic fill for spring to autumn'],
        ['Rectangular Camp', 'A roomy bag that unzips into a quilt'],
      ]],
      ['Trekking Poles', 'poles', [29, 119], 'A pair of trekking poles that save your knees on the way down.', [
        ['Carbon Fold', 'Carbon fibre, folds into three, 210 g each'],
        ['Aluminium Twist', 'Twist-lock aluminium with cork grips'],
        ['Nordic Walking', 'Fixed-length poles with rubber paws for the pavement'],
      ]],
      ['Camp Stove', 'stove', [39, 159], 'A compact stove for hot meals anywhere.', [
        ['Pocket Gas', 'It screws onto a gas canister and fits in a mug'],
        ['Two-Burner', 'Two burners and a wind shield, for car camping'],
        ['Wood-Burning', 'It burns twigs and pine cones: no fuel to carry'],
      ]],
      ['Water Bottle', 'bottle', [12, 45], 'A leak-proof bottle for the trail and the desk.', [
        ['Insulated Steel', 'Double-wall steel: cold for 24 hours, hot for 12'],
        ['Wide Mouth', 'Room for ice cubes, and easy to clean'],
        ['Filter', 'A built-in filter for water from streams'],
      ]],
    ],
  },
];

/** The colours products come in: a name for the page, a hex value for the picture. */
const COLOURS = {
  navy: '#2c3e6b', white: '#f1efe9', tan: '#c49a6c', black: '#2b2b2e', 'forest green': '#2f6b4f', rust: '#b5532e',
  'stone grey': '#a39e93', olive: '#6b7240', sand: '#d8c39a', 'sky blue': '#5b9bd5', charcoal: '#4a4d55', burgundy: '#7d2638',
  cream: '#efe4cc', sage: '#8fae8b', mustard: '#d9a936', plum: '#6e3f6e', 'dusty rose': '#d98a9a', cognac: '#9a4f24',
  brass: '#c9a44c', orange: '#e07a2f', red: '#c0392b', teal: '#2a8c8c',
};

/** A small deterministic PRNG (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shop price in whole cents: euros ending in .99, now and then .49 or a round figure. */
function priceCents(rnd, [lo, hi]) {
  const euros = lo + Math.floor(rnd() * (hi - lo + 1));
  const ending = [99, 99, 99, 49, 0][Math.floor(rnd() * 5)];
  return ending ? (euros - 1) * 100 + ending : euros * 100;
}

export function makeCatalog() {
  const rnd = random(42);
  const products = [];
  for (const c of CATEGORIES) {
    for (const [noun, picture, range, about, models] of c.kinds) {
      // The three models of a kind come in three different colours.
      const colours = [...c.colours];
      models.forEach(([model, detail], variant) => {
        const n = products.length + 1;
        const [colour] = colours.splice(Math.floor(rnd() * colours.length), 1);
        products.push({
          id: `p${String(n).padStart(3, '0')}`,
          name: `${model} ${noun}`,
          category: c.slug,
          categoryName: c.name,
          // Integer cents divided once: 12999 / 100 is the double nearest to 129.99.
          price: priceCents(rnd, range) / 100,
          inStock: rnd() > 0.08,
          rating: Math.round((3.6 + rnd() * 1.4) * 10) / 10,
          description: `${about} ${detail}. In ${colour}.`,
          colour,
          picture: { kind: picture, variant, colour: COLOURS[colour], hue: c.hue },
        });
      });
    }
  }
  return { categories: CATEGORIES.map(({ slug, name, hue }) => ({ slug, name, hue })), products };
}
