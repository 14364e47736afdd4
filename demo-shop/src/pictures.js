// Product pictures for the demo shop: a flat illustration per kind of product (a sneaker,
// a parka, a mug, a lamp…), drawn from a few shapes in the product's colour, with small
// differences between the three models of a kind. 400 × 400 SVG, no text.

const SOLE = '#f6f3ec';
const RUBBER = '#3b3838';
const STEEL = '#c8cdd4';
const WOOD = '#a9784a';
const CORK = '#c99f6e';
const GLOW = '#ffe7a3';

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
/** `hex` moved towards white (t > 0) or black (t < 0). */
function shade(hex, t) {
  const target = t < 0 ? 0 : 255;
  return `#${rgb(hex).map((v) => Math.round(v + (target - v) * Math.abs(t)).toString(16).padStart(2, '0')).join('')}`;
}
/** Light colours get a darker trim than dark ones, so both stand out. */
const luminance = (hex) => rgb(hex).reduce((sum, v, i) => sum + v * [0.299, 0.587, 0.114][i], 0) / 255;

/** The tones an illustration is drawn with. */
function tones(colour) {
  const light = luminance(colour) > 0.7;
  return {
    c: colour,
    dark: shade(colour, light ? -0.18 : -0.28),
    light: shade(colour, light ? 0.5 : 0.3),
    ink: shade(colour, light ? -0.6 : -0.55),
    accent: light ? '#3c4a6b' : shade(colour, 0.75),
  };
}

const line = (x1, y1, x2, y2, extra = '') => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"${extra}/>`;
const range = (n) => Array.from({ length: n }, (_, i) => i);

const DRAW = {
  // ——— Shoes (side view, toe to the right) ———
  sneaker: ({ c, dark, light, ink }, v) => `
<path d="M80 262 L86 196 Q90 182 106 184 L146 190 Q170 216 214 206 Q296 212 330 246 Q346 262 334 268 L82 268 Z" fill="${c}"/>
${v === 0 ? `<path d="M272 222 Q318 232 334 262 L300 262 Q292 240 266 234 Z" fill="${light}"/>` : ''}
${v === 1 ? `<path d="M120 252 Q200 250 262 214 Q226 256 128 262 Z" fill="${light}"/>` : ''}
${v === 2 ? range(3).map((i) => `<circle cx="${246 + i * 16}" cy="${238 + i * 5}" r="3" fill="${ink}" stroke="none"/>`).join('') : ''}
<path d="M86 196 Q90 182 106 184 L112 186 L104 246 L84 246 Z" fill="${dark}"/>
${range(4).map((i) => line(150 + i * 16, 196 + i * 4, 164 + i * 16, 214 + i * 2)).join('')}
<path d="M66 262 H342 Q354 262 354 274 Q354 292 336 292 H84 Q66 292 66 278 Z" fill="${SOLE}"/>
${line(78, 280, 344, 280, ` stroke="${shade(SOLE, -0.25)}" stroke-width="3"`)}`,

  runner: ({ c, dark, light, ink }, v) => `
<path d="M84 250 L88 194 Q92 178 110 180 L150 190 Q176 212 222 202 Q300 208 334 240 Q348 252 336 258 L86 258 Z" fill="${c}"/>
<path d="M116 240 Q190 236 250 206 L262 212 Q200 252 120 254 Z" fill="${light}"/>
<path d="M88 194 Q92 178 110 180 L118 182 L104 220 L86 222 Z" fill="${dark}"/>
${range(4).map((i) => line(156 + i * 16, 198 + i * 3, 168 + i * 16, 212 + i * 2)).join('')}
<path d="M64 252 H344 Q360 252 358 268 Q354 296 326 296 H96 Q64 296 64 272 Z" fill="${SOLE}"/>
<path d="M70 282 Q140 270 210 282 T352 276" fill="none" stroke="${v === 1 ? RUBBER : dark}" stroke-width="6"/>
${v === 1 ? range(6).map((i) => `<rect x="${90 + i * 42}" y="292" width="22" height="10" rx="3" fill="${RUBBER}" stroke="none"/>`).join('') : ''}
${v === 2 ? `<circle cx="300" cy="226" r="5" fill="${ink}" stroke="none"/>` : ''}`,

  loafer: ({ c, dark, light }, v) => `
<path d="M80 266 Q76 228 100 222 Q150 232 206 222 Q292 214 330 248 Q346 264 332 270 L84 270 Z" fill="${c}"/>
<path d="M206 222 Q250 214 290 226 Q262 246 214 244 Z" fill="${dark}"/>
${v === 1 ? `<path d="M196 236 Q240 250 292 232 L296 244 Q240 264 194 248 Z" fill="${dark}"/><rect x="232" y="242" width="24" height="7" rx="3" fill="${light}" stroke="none"/>` : ''}
${v === 0 ? `<path d="M214 230 Q254 246 300 234" fill="none" stroke-dasharray="6 6"/>` : ''}
${v === 2 ? `<path d="M180 240 q8 -8 16 0 q8 8 16 0" fill="none" stroke="${light}" stroke-width="4"/>` : ''}
<path d="M70 266 H340 Q352 266 350 276 Q348 286 334 286 H84 Q70 286 70 276 Z" fill="${v === 2 ? RUBBER : shade(c, -0.45)}"/>`,

  boot: ({ c, dark, light }, v) => `
<path d="M84 270 L86 120 Q88 106 104 106 L176 106 Q186 108 186 122 L188 196 Q262 204 322 240 Q346 256 334 270 Z" fill="${c}"/>
${v === 0 ? `<path d="M110 132 Q140 124 168 132 L160 200 Q140 210 118 200 Z" fill="${dark}"/><path d="M96 106 L96 86 Q98 80 106 84 L112 106" fill="${dark}"/>` : ''}
${v === 1 ? range(5).map((i) => `<circle cx="${170 + (i % 2) * 10}" cy="${120 + i * 16}" r="4" fill="${light}"/>`).join('') + `<path d="M176 120 L168 190" stroke-dasharray="4 8" fill="none"/>` : ''}
${v === 2 ? `<path d="M82 126 Q82 94 112 96 L172 96 Q194 96 192 126 Q138 140 82 126 Z" fill="${SOLE}"/>` : ''}
<path d="M230 214 Q288 220 324 246" fill="none" stroke="${light}" stroke-width="4"/>
<path d="M72 266 H344 Q356 266 354 280 Q352 296 334 296 H86 Q72 296 72 282 Z" fill="${RUBBER}"/>
${v === 1 ? range(7).map((i) => `<rect x="${86 + i * 38}" y="292" width="20" height="10" fill="${RUBBER}" stroke="none"/>`).join('') : ''}`,

  sandal: ({ c, dark, light }, v) => range(2).map((i) => `
<g transform="translate(${i ? 258 : 142} 214) rotate(${i ? 8 : -8}) scale(${i ? -1 : 1} 1)">
<path d="M0 -130 C40 -130 54 -92 50 -42 C46 8 40 40 44 80 C48 122 30 138 0 138 C-30 138 -46 116 -44 80 C-42 40 -48 0 -50 -42 C-54 -96 -40 -130 0 -130 Z" fill="${CORK}"/>
<path d="M0 -116 C30 -116 40 -88 38 -44 C34 6 30 40 32 78 C34 112 20 124 0 124 C-20 124 -32 108 -30 78 C-28 40 -36 2 -38 -44 C-40 -88 -30 -116 0 -116 Z" fill="${shade(CORK, 0.25)}" stroke="none"/>
${v === 0 ? `<rect x="-62" y="-64" width="124" height="58" rx="16" fill="${c}"/>${line(-50, -36, 50, -36, ` stroke="${dark}" stroke-width="3"`)}` : ''}
${v === 1 ? `<rect x="-60" y="-74" width="120" height="26" rx="10" fill="${c}"/><rect x="-58" y="4" width="116" height="26" rx="10" fill="${c}"/>
<rect x="34" y="-72" width="18" height="22" rx="3" fill="${STEEL}"/><rect x="34" y="6" width="18" height="22" rx="3" fill="${STEEL}"/>` : ''}
${v === 2 ? `<rect x="-60" y="-80" width="120" height="70" rx="18" fill="${c}"/>${range(5).map((k) => line(-46 + k * 22, -76, -56 + k * 22 + 20, -14, ` stroke="${light}" stroke-width="4"`)).join('')}` : ''}
</g>`).join(''),

  // ——— Jackets (front view) ———
  parka: ({ c, dark, light }, v) => `
<path d="M150 86 Q200 40 250 86 L244 116 Q200 100 156 116 Z" fill="${dark}"/>
${v === 0 ? `<path d="M144 94 Q200 30 256 94" fill="none" stroke="${SOLE}" stroke-width="14"/>` : ''}
<path d="M164 96 L130 110 L96 150 L78 318 L114 324 L132 200 L128 352 L272 352 L268 200 L286 324 L322 318 L304 150 L270 110 L236 96 Q200 122 164 96 Z" fill="${c}"/>
${line(200, 116, 200, 352)}
<rect x="142" y="250" width="44" height="40" rx="4" fill="${dark}"/><rect x="214" y="250" width="44" height="40" rx="4" fill="${dark}"/>
${v === 1 ? `<path d="M132 330 L268 330" stroke="${light}" stroke-width="5"/>` : ''}
${v === 2 ? range(4).map((i) => line(132, 150 + i * 46, 268, 150 + i * 46, ` stroke="${dark}" stroke-width="3"`)).join('') : ''}
${range(4).map((i) => `<circle cx="200" cy="${150 + i * 50}" r="5" fill="${light}"/>`).join('')}`,

  rain: ({ c, dark, light }, v) => `
<path d="M156 100 Q156 40 200 40 Q244 40 244 100 Z" fill="${dark}"/>
${v === 2 ? `<path d="M150 84 Q200 56 250 84 L250 96 Q200 70 150 96 Z" fill="${c}"/>` : ''}
<path d="M166 98 L132 110 L100 150 L84 306 L116 312 L134 196 L132 330 Q200 ${v === 2 ? 350 : 330} 268 330 L266 196 L284 312 L316 306 L300 150 L268 110 L234 98 Q200 120 166 98 Z" fill="${c}"/>
${line(200, 114, 200, 334, ` stroke="${dark}" stroke-width="6"`)}
<path d="M146 236 L184 236 L184 246 L146 246 Z" fill="${dark}"/><path d="M216 236 L254 236 L254 246 L216 246 Z" fill="${dark}"/>
${v === 1 ? `<path d="M104 170 L120 150" stroke="${light}" stroke-width="6"/><path d="M296 170 L280 150" stroke="${light}" stroke-width="6"/>` : ''}
${v === 0 ? `<path d="M146 150 Q170 160 190 150" fill="none" stroke="${light}" stroke-width="4"/>` : ''}`,

  bomber: ({ c, dark, light }, v) => `
<path d="M166 94 L134 108 L100 150 L88 292 L120 298 L136 196 L134 300 L266 300 L264 196 L280 298 L312 292 L300 150 L266 108 L234 94 Q200 118 166 94 Z" fill="${c}"/>
<path d="M168 94 Q200 124 232 94 L240 104 Q200 140 160 104 Z" fill="${v === 1 ? SOLE : dark}"/>
<rect x="132" y="292" width="136" height="26" rx="6" fill="${v === 1 ? SOLE : dark}"/>
<rect x="86" y="284" width="36" height="22" rx="5" fill="${v === 1 ? SOLE : dark}" transform="rotate(4 104 295)"/>
<rect x="278" y="284" width="36" height="22" rx="5" fill="${v === 1 ? SOLE : dark}" transform="rotate(-4 296 295)"/>
${v === 1 ? range(3).map((i) => line(134, 298 + i * 8, 266, 298 + i * 8, ` stroke="${c}" stroke-width="3"`)).join('') : ''}
${line(200, 120, 200, 318, ` stroke="${STEEL}" stroke-width="5"`)}
<path d="M146 220 L170 204" stroke="${dark}" stroke-width="6"/><path d="M254 220 L230 204" stroke="${dark}" stroke-width="6"/>
${v === 0 ? `<rect x="104" y="160" width="22" height="34" rx="3" fill="${light}" transform="rotate(8 115 177)"/>` : ''}
${v === 2 ? `<path d="M150 120 L180 150 L168 102 Z" fill="${dark}"/><path d="M250 120 L220 150 L232 102 Z" fill="${dark}"/>` : ''}`,

  gilet: ({ c, dark, light }, v) => `
<path d="M166 86 L138 96 Q146 150 124 176 L124 330 L276 330 L276 176 Q254 150 262 96 L234 86 Q200 112 166 86 Z" fill="${c}"/>
<path d="M168 86 Q200 112 232 86 L236 70 Q200 92 164 70 Z" fill="${dark}"/>
${line(200, 104, 200, 330)}
${v === 0 ? range(5).map((i) => `<path d="M126 ${196 + i * 28} Q163 ${204 + i * 28} 200 ${196 + i * 28} Q237 ${204 + i * 28} 274 ${196 + i * 28}" fill="none" stroke="${dark}" stroke-width="3"/>`).join('') : ''}
${v === 1 ? `<path d="M144 250 L160 290" stroke="${dark}" stroke-width="5"/><path d="M256 250 L240 290" stroke="${dark}" stroke-width="5"/>` : ''}
${v === 2 ? `<rect x="138" y="196" width="44" height="40" rx="3" fill="${dark}"/><rect x="218" y="196" width="44" height="40" rx="3" fill="${dark}"/>
<rect x="138" y="262" width="44" height="44" rx="3" fill="${dark}"/><rect x="218" y="262" width="44" height="44" rx="3" fill="${dark}"/>` : ''}
${range(3).map((i) => `<circle cx="200" cy="${150 + i * 60}" r="4" fill="${light}"/>`).join('')}`,

  overshirt: ({ c, dark, light, ink }, v) => `
<path d="M168 96 L136 108 L102 148 L88 300 L120 306 L136 194 L134 328 L266 328 L264 194 L280 306 L312 300 L298 148 L264 108 L232 96 Z" fill="${c}"/>
${v === 1 ? range(6).map((i) => line(140 + i * 24, 110, 140 + i * 24, 326, ` stroke="${dark}" stroke-width="3"`)).join('') + range(8).map((i) => line(136, 130 + i * 26, 264, 130 + i * 26, ` stroke="${dark}" stroke-width="3"`)).join('') : ''}
${v === 2 ? range(10).map((i) => line(142 + i * 13, 124, 142 + i * 13, 322, ` stroke="${dark}" stroke-width="2"`)).join('') : ''}
<path d="M168 96 L200 124 L176 140 L156 104 Z" fill="${dark}"/><path d="M232 96 L200 124 L224 140 L244 104 Z" fill="${dark}"/>
${line(200, 124, 200, 328)}
<rect x="148" y="156" width="36" height="38" rx="3" fill="${c}"/><rect x="216" y="156" width="36" height="38" rx="3" fill="${c}"/>
${range(5).map((i) => `<circle cx="200" cy="${146 + i * 42}" r="5" fill="${v === 2 ? WOOD : light}" stroke="${ink}"/>`).join('')}`,

  // ——— Knitwear ———
  crewneck: ({ c, dark, light }, v) => `
<path d="M164 92 Q136 98 116 116 Q96 140 90 200 L84 296 L118 300 L132 190 L132 318 L268 318 L268 190 L282 300 L316 296 L310 200 Q304 140 284 116 Q264 98 236 92 Q200 112 164 92 Z" fill="${c}"/>
${v === 1 ? range(6).map((i) => `<path d="M130 ${136 + i * 30} H270" stroke="${light}" stroke-width="10"/>`).join('') : ''}
${v === 2 ? range(8).map((i) => line(142 + i * 17, 120, 142 + i * 17, 314, ` stroke="${dark}" stroke-width="3"`)).join('') : ''}
${v === 0 ? range(3).map((r) => range(4).map((i) => `<path d="M${148 + i * 30} ${170 + r * 40} l8 10 l8 -10" fill="none" stroke="${light}" stroke-width="3"/>`).join('')).join('') : ''}
<path d="M164 92 Q200 120 236 92" fill="none" stroke="${dark}" stroke-width="12"/>
<rect x="130" y="304" width="140" height="20" rx="5" fill="${dark}"/>
<rect x="82" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(4 100 299)"/>
<rect x="280" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(-4 300 299)"/>`,

  turtleneck: ({ c, dark, light }, v) => `
<path d="M164 100 Q136 104 116 120 Q96 142 90 200 L84 296 L118 300 L132 190 L132 318 L268 318 L268 190 L282 300 L316 296 L310 200 Q304 142 284 120 Q264 104 236 100 Z" fill="${c}"/>
<path d="M166 60 H234 L238 108 Q200 120 162 108 Z" fill="${dark}"/>
${range(5).map((i) => line(176 + i * 12, 66, 176 + i * 12, 108, ` stroke="${c}" stroke-width="3"`)).join('')}
${v === 1 ? range(8).map((i) => line(142 + i * 17, 126, 142 + i * 17, 314, ` stroke="${dark}" stroke-width="3"`)).join('') : ''}
${v === 2 ? `<path d="M150 140 Q170 240 150 310" fill="none" stroke="${light}" stroke-width="6" opacity=".7"/>` : ''}
<rect x="130" y="304" width="140" height="20" rx="5" fill="${dark}"/>
<rect x="82" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(4 100 299)"/>
<rect x="280" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(-4 300 299)"/>`,

  cardigan: ({ c, dark, light, ink }, v) => `
<path d="M164 92 Q136 98 116 116 Q96 140 90 200 L84 296 L118 300 L132 190 L132 318 L268 318 L268 190 L282 300 L316 296 L310 200 Q304 140 284 116 Q264 98 236 92 L200 190 Z" fill="${c}"/>
${v === 1 ? [158, 242].map((x) => `<path d="M${x - 8} 130 q16 20 0 40 q-16 20 0 40 q16 20 0 40 q-16 20 0 40" fill="none" stroke="${dark}" stroke-width="6"/>`).join('') : ''}
<path d="M164 92 L200 190 L236 92" fill="none" stroke="${dark}" stroke-width="12"/>
${line(200, 190, 200, 318, ` stroke="${dark}" stroke-width="10"`)}
${range(4).map((i) => `<circle cx="206" cy="${206 + i * 32}" r="6" fill="${v === 1 ? WOOD : light}" stroke="${ink}" stroke-width="3"/>`).join('')}
<rect x="130" y="304" width="140" height="20" rx="5" fill="${dark}"/>
<rect x="82" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(4 100 299)"/>
<rect x="280" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(-4 300 299)"/>
${v === 2 ? `<rect x="222" y="240" width="34" height="30" rx="3" fill="${c}"/>` : ''}`,

  hoodie: ({ c, dark, light }, v) => `
<path d="M150 110 Q150 46 200 46 Q250 46 250 110 Z" fill="${dark}"/>
<path d="M164 96 Q136 100 116 118 Q96 142 90 200 L84 296 L118 300 L132 190 L132 318 L268 318 L268 190 L282 300 L316 296 L310 200 Q304 142 284 118 Q264 100 236 96 Q200 130 164 96 Z" fill="${c}"/>
<path d="M160 90 Q200 140 240 90" fill="none" stroke="${dark}" stroke-width="8"/>
${line(186, 118, 184, 170, ` stroke="${light}" stroke-width="4"`)}${line(214, 118, 216, 170, ` stroke="${light}" stroke-width="4"`)}
${v === 1 ? line(200, 122, 200, 318, ` stroke="${STEEL}" stroke-width="5"`) : `<path d="M152 236 L248 236 L262 296 L138 296 Z" fill="${dark}"/>`}
${v === 2 ? `<circle cx="236" cy="150" r="10" fill="${light}"/>` : ''}
<rect x="130" y="304" width="140" height="20" rx="5" fill="${dark}"/>
<rect x="82" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(4 100 299)"/>
<rect x="280" y="290" width="38" height="18" rx="5" fill="${dark}" transform="rotate(-4 300 299)"/>`,

  beanie: ({ c, dark, light }, v) => `
${v === 1 ? `<circle cx="200" cy="96" r="34" fill="${light}"/>` : ''}
<path d="M108 260 Q104 ${v === 2 ? 150 : 120} 200 ${v === 2 ? 130 : 108} Q296 ${v === 2 ? 150 : 120} 292 260 Z" fill="${c}"/>
${range(7).map((i) => line(128 + i * 24, 254, 138 + (i - 3) * 6 + 62, v === 2 ? 146 : 124, ` stroke="${dark}" stroke-width="3"`)).join('')}
<rect x="98" y="236" width="204" height="${v === 2 ? 44 : 60}" rx="14" fill="${dark}"/>
${range(11).map((i) => line(112 + i * 18, 242, 112 + i * 18, v === 2 ? 274 : 290, ` stroke="${c}" stroke-width="3"`)).join('')}
${v === 0 ? `<rect x="236" y="250" width="40" height="24" rx="3" fill="${SOLE}"/>` : ''}`,

  // ——— Bags ———
  backpack: ({ c, dark, light, ink }, v) => `
<path d="M170 96 Q170 70 200 70 Q230 70 230 96" fill="none" stroke-width="10"/>
<path d="M116 150 Q116 96 170 96 H230 Q284 96 284 150 V320 Q284 338 266 338 H134 Q116 338 116 320 Z" fill="${c}"/>
${v === 0 ? `<path d="M116 150 Q116 96 170 96 H230 Q284 96 284 150 L284 120 Q276 70 200 70 Q124 70 116 120 Z" fill="${dark}"/><rect x="186" y="96" width="28" height="60" rx="6" fill="${dark}"/><rect x="190" y="146" width="20" height="16" fill="${STEEL}"/>` : ''}
${v === 1 ? `<path d="M116 160 Q200 200 284 160" fill="none" stroke="${STEEL}" stroke-width="5"/>` : ''}
<path d="M140 236 H260 V304 Q260 320 244 320 H156 Q140 320 140 304 Z" fill="${v === 2 ? light : dark}"/>
${line(150, 252, 250, 252, ` stroke="${STEEL}" stroke-width="4"`)}
${v === 2 ? range(4).map((i) => line(124, 170 + i * 16, 276, 170 + i * 16, ` stroke="${dark}" stroke-width="2"`)).join('') : ''}
<circle cx="250" cy="252" r="5" fill="${ink}" stroke="none"/>`,

  tote: ({ c, dark, light }, v) => `
<path d="M150 160 Q150 80 200 80 Q250 80 250 160" fill="none" stroke="${v === 0 ? WOOD : dark}" stroke-width="14"/>
<path d="M120 150 H280 L296 336 H104 Z" fill="${c}"/>
${v === 2 ? range(6).map((i) => line(110, 176 + i * 28, 290, 176 + i * 28, ` stroke="${dark}" stroke-width="4"`)).join('') + range(6).map((i) => line(136 + i * 26, 152, 130 + i * 28, 334, ` stroke="${dark}" stroke-width="2"`)).join('') : ''}
${v === 0 ? `<rect x="150" y="210" width="100" height="60" rx="4" fill="${light}"/>` : ''}
${v === 1 ? `<path d="M120 150 L200 196 L280 150" fill="none" stroke="${dark}" stroke-width="4"/>` : ''}
<path d="M120 150 H280" stroke="${dark}" stroke-width="8"/>`,

  weekender: ({ c, dark, light }, v) => `
<path d="M150 180 Q150 120 200 120 Q250 120 250 180" fill="none" stroke="${dark}" stroke-width="14"/>
${v === 2 ? `<path d="M86 200 Q200 60 314 200" fill="none" stroke="${dark}" stroke-width="5"/>` : ''}
<path d="M74 220 Q74 176 120 176 H280 Q326 176 326 220 V306 Q326 320 312 320 H88 Q74 320 74 306 Z" fill="${c}"/>
<path d="M74 220 Q74 176 120 176 H130 V320 H88 Q74 320 74 306 Z" fill="${v === 0 ? WOOD : dark}"/>
<path d="M326 220 Q326 176 280 176 H270 V320 H312 Q326 320 326 306 Z" fill="${v === 0 ? WOOD : dark}"/>
${line(130, 196, 270, 196, ` stroke="${STEEL}" stroke-width="5"`)}
${v === 1 ? `<rect x="170" y="236" width="60" height="40" rx="4" fill="${light}"/>` : ''}
<rect x="136" y="170" width="18" height="20" rx="3" fill="${STEEL}"/><rect x="246" y="170" width="18" height="20" rx="3" fill="${STEEL}"/>`,

  crossbody: ({ c, dark, light, ink }, v) => `
<path d="M132 220 Q120 70 200 64 Q280 70 268 220" fill="none" stroke="${dark}" stroke-width="10"/>
${v === 1
    ? `<path d="M122 220 H278 Q286 320 200 322 Q114 320 122 220 Z" fill="${c}"/><path d="M122 220 H278 Q270 270 200 274 Q130 270 122 220 Z" fill="${dark}"/>`
    : `<rect x="120" y="214" width="160" height="110" rx="${v === 2 ? 30 : 14}" fill="${c}"/><path d="M120 228 Q120 214 134 214 H266 Q280 214 280 228 V266 H120 Z" fill="${v === 2 ? c : dark}"/>`}
${v === 2 ? line(130, 236, 270, 236, ` stroke="${STEEL}" stroke-width="4"`) : `<rect x="190" y="254" width="20" height="22" rx="4" fill="${STEEL}"/>`}
${v === 0 ? `<circle cx="200" cy="300" r="4" fill="${ink}" stroke="none"/>` : ''}
${v === 2 ? `<rect x="150" y="262" width="100" height="40" rx="8" fill="${light}"/>` : ''}`,

  wallet: ({ c, dark, light }, v) => `
${v === 0 ? `<rect x="124" y="118" width="120" height="70" rx="8" fill="#e9c46a" transform="rotate(-8 184 150)"/>` : ''}
<rect x="100" y="${v === 1 ? 150 : 140}" width="${v === 1 ? 170 : 200}" height="${v === 1 ? 120 : 140}" rx="14" fill="${c}"/>
${v === 0 ? `<path d="M100 196 H300" stroke="${dark}" stroke-width="4"/><rect x="120" y="160" width="70" height="10" rx="3" fill="${light}"/>` : ''}
${v === 1 ? `<path d="M112 186 H258" stroke="${dark}" stroke-width="4"/><path d="M112 214 H258" stroke="${dark}" stroke-width="4"/><rect x="140" y="140" width="90" height="20" rx="4" fill="#8ab4f8"/>` : ''}
${v === 2 ? `<path d="M114 154 H286 Q292 154 292 160 V262 Q292 268 286 268 H114" fill="none" stroke="${STEEL}" stroke-width="5"/><path d="M292 190 l16 8 l-4 14 l-14 -4" fill="${STEEL}"/>` : ''}
<path d="M${v === 1 ? 100 : 100} ${v === 1 ? 250 : 262} H${v === 1 ? 270 : 300}" stroke="${dark}" stroke-width="3" stroke-dasharray="6 6"/>`,

  // ——— Watches ———
  field: (t, v) => watch(t, v, {
    strap: v === 0 ? t.c : shade(t.c, -0.2), strapStitch: v === 0,
    dial: v === 2 ? '#f1efe9' : '#232a25',
    marks: 12, numerals: true, bezel: STEEL,
  }),
  diver: (t, v) => watch(t, v, {
    strap: v === 1 ? STEEL : t.c, links: v === 1,
    dial: t.dark, bezel: t.c, bezelRing: true, marks: 12,
  }),
  chrono: (t, v) => watch(t, v, {
    strap: t.c, dial: v === 2 ? '#f1efe9' : '#1f2230', bezel: STEEL, marks: 12, subdials: v === 2 ? '#1f2230' : STEEL, tachy: v === 0,
  }),
  dress: (t, v) => watch(t, v, {
    strap: t.c, dial: v === 1 ? '#1c2b52' : '#f5f1e6', bezel: '#d9b96a', marks: 4, thin: true, moon: v === 1,
  }),
  band: ({ c, dark, light }, v) => `
<rect x="166" y="40" width="68" height="320" rx="30" fill="${c}"/>
${range(5).map((i) => `<circle cx="200" cy="${280 + i * 14}" r="3" fill="${dark}" stroke="none"/>`).join('')}
<rect x="150" y="140" width="100" height="130" rx="26" fill="#1b1d22"/>
<rect x="162" y="152" width="76" height="106" rx="16" fill="#0b0d12" stroke="none"/>
${v === 0 ? `<text x="200" y="212" font-family="Helvetica,Arial,sans-serif" font-size="30" font-weight="700" fill="#fff" stroke="none" text-anchor="middle">10:09</text>` : ''}
${v === 1 ? `<path d="M172 220 L188 194 L202 212 L214 184 L228 204" fill="none" stroke="#7ee0a1" stroke-width="4"/><circle cx="172" cy="220" r="4" fill="#7ee0a1" stroke="none"/>` : ''}
${v === 2 ? `<path d="M214 186 A22 22 0 1 0 222 226 A18 18 0 1 1 214 186 Z" fill="#c8b6ff" stroke="none"/>` : ''}
<path d="M184 236 Q190 230 196 236 Q202 230 208 236 L196 248 Z" fill="#ff6b81" stroke="none"/>
<rect x="250" y="190" width="8" height="26" rx="3" fill="${light}"/>`,

  // ——— Kitchen ———
  knife: ({ c, dark, light, ink }, v) => `
<g transform="translate(200 205) rotate(-32) scale(.92) translate(-145 -200)">
<path d="M70 186 H${v === 0 ? 262 : 270} ${v === 0 ? 'Q300 186 312 214 L70 214 Z' : 'L330 200 Q300 214 270 214 H70 Z'}" fill="${v === 1 ? '#aeb6c1' : STEEL}"/>
${v === 1 ? `<path d="M90 192 q30 6 60 0 t60 0 t60 0" fill="none" stroke="#dfe4ea" stroke-width="3"/>` : ''}
${v === 0 ? range(4).map((i) => `<ellipse cx="${230 - i * 30}" cy="207" rx="7" ry="3" fill="#dfe4ea" stroke="none"/>`).join('') : ''}
<path d="M72 214 H300" stroke="#eef1f4" stroke-width="3"/>
${v === 2 ? `<rect x="58" y="180" width="18" height="40" rx="4" fill="${STEEL}"/>` : ''}
<rect x="-40" y="184" width="${v === 2 ? 98 : 110}" height="34" rx="12" fill="${v === 1 ? WOOD : c}"/>
${v !== 1 ? range(3).map((i) => `<circle cx="${-20 + i * 30}" cy="201" r="5" fill="${STEEL}" stroke="${ink}" stroke-width="2"/>`).join('') : line(-32, 201, 60, 201, ` stroke="${shade(WOOD, -0.3)}" stroke-width="2"`)}
${v === 1 ? `<rect x="62" y="184" width="10" height="34" fill="${c}"/>` : ''}
</g>`,

  skillet: ({ c }, v) => `
<g transform="translate(200 205) scale(.84) translate(-212 -200)">
<path d="M262 176 L372 126 Q384 122 388 134 Q390 144 380 150 L268 210 Z" fill="${v === 2 ? '#2e2e2e' : v === 0 ? '#2b2b2e' : STEEL}"/>
${v !== 2 ? `<path d="M318 150 L372 126 Q384 122 388 134 Q390 144 380 150 L328 176 Z" fill="${c}"/>` : ''}
<circle cx="180" cy="200" r="130" fill="${v === 2 ? c : v === 0 ? '#2b2b2e' : '#59595e'}"/>
<circle cx="180" cy="200" r="108" fill="${v === 2 ? '#3a3a3f' : v === 0 ? '#3c3c40' : '#6d6d73'}"/>
<path d="M110 150 Q140 110 190 104" fill="none" stroke="${v === 2 ? '#55555c' : '#77777d'}" stroke-width="8"/>
${v === 0 ? `<path d="M50 200 L36 190 L34 210 Z" fill="#2b2b2e"/>` : ''}
${v === 1 ? `<circle cx="180" cy="200" r="130" fill="none" stroke="${c}" stroke-width="10"/>` : ''}
${v !== 2 ? `<ellipse cx="200" cy="230" rx="36" ry="26" fill="#f7e7b4"/><circle cx="204" cy="230" r="12" fill="#f2b233" stroke="none"/>` : ''}
</g>`,

  dutch: ({ c, dark, light }, v) => {
    const h = [110, 74, 128][v];
    const top = 300 - h;
    return `
<rect x="${v === 1 ? 64 : 88}" y="${top - 6}" width="${v === 1 ? 272 : 224}" height="${h + 10}" rx="34" fill="${c}"/>
<rect x="${v === 1 ? 40 : 64}" y="${top + 14}" width="34" height="22" rx="10" fill="${dark}"/>
<rect x="${v === 1 ? 326 : 302}" y="${top + 14}" width="34" height="22" rx="10" fill="${dark}"/>
<path d="M${v === 1 ? 56 : 80} ${top} Q200 ${top - 70} ${v === 1 ? 344 : 320} ${top} Z" fill="${c}"/>
<path d="M${v === 1 ? 56 : 80} ${top} H${v === 1 ? 344 : 320}" stroke="${dark}" stroke-width="8"/>
<rect x="180" y="${top - 60}" width="40" height="22" rx="8" fill="${v === 0 ? STEEL : dark}"/>
<path d="M${v === 1 ? 90 : 110} ${top + 20} Q${v === 1 ? 96 : 114} ${top + h - 20} ${v === 1 ? 116 : 134} ${top + h - 10}" fill="none" stroke="${light}" stroke-width="8" opacity=".8"/>`;
  },

  kettle: ({ c, dark, light }, v) => `
${v === 0
    ? `<path d="M236 250 Q300 250 308 200 Q312 170 336 160" fill="none" stroke="${c}" stroke-width="12"/>`
    : `<path d="M262 230 L318 184 L326 196 L280 262 Z" fill="${c}"/>`}
${v === 2
    ? `<path d="M112 120 H246 Q262 120 262 136 L270 320 H104 L112 136 Q112 120 128 120 Z" fill="${c}"/><rect x="92" y="316" width="196" height="24" rx="8" fill="#2b2b2e"/><path d="M262 150 Q310 160 306 230 Q302 280 266 290" fill="none" stroke="#2b2b2e" stroke-width="14"/>
<rect x="124" y="150" width="14" height="130" rx="7" fill="${light}" opacity=".8"/>`
    : `<path d="M100 320 Q84 200 150 154 H250 Q316 200 300 320 Z" fill="${c}"/>
<path d="M150 160 Q200 60 250 160" fill="none" stroke="${v === 1 ? '#2b2b2e' : dark}" stroke-width="${v === 1 ? 14 : 10}"/>
<rect x="170" y="136" width="60" height="22" rx="8" fill="${dark}"/><circle cx="200" cy="128" r="10" fill="${v === 1 ? '#2b2b2e' : dark}"/>
<path d="M124 210 Q116 260 130 300" fill="none" stroke="${light}" stroke-width="10" opacity=".8"/>`}
${v === 1 ? '<circle cx="324" cy="190" r="8" fill="#2b2b2e"/>' : ''}`,

  mug: ({ c, dark, light }, v) => `
<path d="M168 96 q-14 -20 0 -40" fill="none" stroke="#c9c2b8" stroke-width="6"/><path d="M204 96 q-14 -20 0 -40" fill="none" stroke="#c9c2b8" stroke-width="6"/>
<path d="M262 160 Q330 160 330 216 Q330 272 262 272" fill="none" stroke="${c}" stroke-width="${v === 1 ? 26 : 18}"/>
<path d="M110 120 H270 V${v === 1 ? 300 : 296} Q270 322 244 322 H136 Q110 322 110 296 Z" fill="${c}"/>
<ellipse cx="190" cy="120" rx="80" ry="16" fill="#6b4226"/>
${v === 0 ? `<path d="M110 250 Q150 240 190 252 T270 246 V296 Q270 322 244 322 H136 Q110 322 110 296 Z" fill="${dark}"/>` : ''}
${v === 1 ? `<path d="M110 170 H270" stroke="${light}" stroke-width="10"/>` : ''}
${v === 2 ? range(26).map((i) => `<circle cx="${124 + ((i * 53) % 136)}" cy="${144 + ((i * 37) % 166)}" r="${2 + (i % 3)}" fill="${dark}" stroke="none"/>`).join('') : ''}
<path d="M130 150 Q124 230 134 290" fill="none" stroke="${light}" stroke-width="8" opacity=".7"/>`,

  // ——— Lighting ———
  desklamp: ({ c, dark }, v) => `
<path d="M206 172 H314 L352 336 H168 Z" fill="${GLOW}" opacity=".55" stroke="none"/>
<ellipse cx="120" cy="330" rx="62" ry="14" fill="${v === 1 ? '#2b2b2e' : c}"/>
${v === 2
    ? `<path d="M120 322 V170 Q120 100 190 100 H236" fill="none" stroke="${dark}" stroke-width="10"/>`
    : `<path d="M120 322 L160 206 L250 114" fill="none" stroke="${dark}" stroke-width="10"/><circle cx="160" cy="206" r="10" fill="${c}"/>`}
${v === 0 ? line(128, 300, 236, 128, ` stroke="${STEEL}" stroke-width="3"`) : ''}
<path d="${v === 2 ? 'M228 92 H284 L300 172 H212 Z' : 'M232 104 H290 L320 174 H200 Z'}" fill="${c}"/>
<circle cx="${v === 2 ? 256 : 260}" cy="${v === 2 ? 92 : 104}" r="8" fill="${dark}"/>`,

  floorlamp: ({ c, dark }, v) => {
    if (v === 0) return `
<path d="M122 340 V120 Q122 56 200 50 Q286 48 300 120" fill="none" stroke="${dark}" stroke-width="10"/>
<path d="M300 200 L360 340 H240 Z" fill="${GLOW}" opacity=".55" stroke="none"/>
<path d="M262 120 Q300 92 338 120 L350 170 H250 Z" fill="${c}"/>
<rect x="80" y="330" width="84" height="22" rx="8" fill="#5a5a60"/>`;
    if (v === 1) return `
<path d="M200 170 L130 350 M200 170 L270 350 M200 170 L200 350" fill="none" stroke="${WOOD}" stroke-width="10"/>
<path d="M200 150 V180" stroke="${dark}" stroke-width="8"/>
<rect x="136" y="70" width="128" height="96" rx="8" fill="${c}"/>
<path d="M150 166 L120 230 H280 L250 166 Z" fill="${GLOW}" opacity=".5" stroke="none"/>`;
    return `
<path d="M126 70 L200 30 L274 70 Z" fill="${GLOW}" opacity=".6" stroke="none"/>
<path d="M200 110 V330" stroke="${dark}" stroke-width="10"/>
<path d="M140 80 H260 L226 120 H174 Z" fill="${c}"/>
<ellipse cx="200" cy="340" rx="56" ry="14" fill="${dark}"/>`;
  },

  pendant: ({ c, dark }, v) => `
${line(200, 0, 200, v === 1 ? 150 : 130, ' stroke="#3b3838" stroke-width="4"')}
<path d="M120 250 L280 250 L340 380 H60 Z" fill="${GLOW}" opacity=".5" stroke="none"/>
${v === 0 ? `<rect x="186" y="122" width="28" height="28" rx="4" fill="${dark}"/><path d="M96 254 Q96 144 200 144 Q304 144 304 254 Z" fill="${c}"/><ellipse cx="200" cy="258" rx="30" ry="12" fill="${GLOW}"/>` : ''}
${v === 1 ? `<rect x="188" y="146" width="24" height="22" rx="4" fill="${dark}"/><circle cx="200" cy="236" r="74" fill="${shade(c, 0.65)}"/><circle cx="200" cy="236" r="44" fill="${GLOW}" stroke="none" opacity=".8"/>` : ''}
${v === 2 ? `<path d="M190 130 H210 L262 256 H138 Z" fill="${c}"/><ellipse cx="200" cy="258" rx="24" ry="8" fill="${GLOW}"/>` : ''}`,

  lantern: ({ c, dark }, v) => `
<path d="M168 96 Q168 56 200 56 Q232 56 232 96" fill="none" stroke="${dark}" stroke-width="8"/>
<path d="M150 110 L200 84 L250 110 Z" fill="${c}"/>
<rect x="140" y="108" width="120" height="18" rx="4" fill="${c}"/>
${v === 2
    ? `<path d="M146 126 H254 L262 300 H138 Z" fill="${c}"/>${range(4).map((r) => range(3).map((i) => `<circle cx="${170 + i * 30}" cy="${150 + r * 40}" r="7" fill="${GLOW}" stroke="none"/>`).join('')).join('')}`
    : `<rect x="150" y="126" width="100" height="174" fill="${GLOW}" opacity=".9"/>
${v === 0 ? `<rect x="188" y="222" width="24" height="60" rx="3" fill="#f6f3ec"/><path d="M200 222 q-12 -20 0 -36 q12 16 0 36" fill="#f4a23c" stroke="none"/>` : `<rect x="180" y="170" width="40" height="90" rx="8" fill="#fffbe8"/>`}
${line(150, 126, 150, 300, ` stroke="${c}" stroke-width="10"`)}${line(250, 126, 250, 300, ` stroke="${c}" stroke-width="10"`)}`}
<rect x="134" y="296" width="132" height="26" rx="6" fill="${c}"/>`,

  walllight: ({ c, dark }, v) => `
<rect x="40" y="${v === 2 ? 150 : 130}" width="44" height="${v === 2 ? 60 : 100}" rx="10" fill="${dark}"/>
${v === 2
    ? `<rect x="96" y="196" width="260" height="150" fill="#e8e1d4" stroke="#8a7a5c" stroke-width="10"/><path d="M104 338 L170 260 L214 300 L262 240 L348 338 Z" fill="#8fae8b" stroke="none"/><circle cx="300" cy="236" r="14" fill="#f2b233" stroke="none"/><path d="M84 176 H120 M120 150 H340 V174 H120 Z" fill="${c}"/><path d="M120 174 H340 L360 346 H96 Z" fill="${GLOW}" opacity=".35" stroke="none"/>`
    : v === 0
      ? `<path d="M84 180 H220 L240 150" fill="none" stroke="${dark}" stroke-width="8"/><g transform="rotate(-20 260 170)"><path d="M224 140 H300 L316 210 H208 Z" fill="${c}"/></g><path d="M230 220 L320 360 H140 Z" fill="${GLOW}" opacity=".5" stroke="none"/>`
      : `<path d="M84 180 Q150 180 170 140" fill="none" stroke="${dark}" stroke-width="8"/><path d="M130 60 H220 L246 150 H104 Z" fill="${c}"/><path d="M104 150 L246 150 L280 300 H70 Z" fill="${GLOW}" opacity=".45" stroke="none"/>`}`,

  // ——— Outdoor ———
  tent: ({ c, dark, light }, v) => {
    const [w, h] = [[130, 170], [160, 200], [110, 130]][v];
    return `
${line(200 - w - 20, 330, 200 - w, 330, ' stroke="#8a8070" stroke-width="3"')}${line(200 + w, 330, 200 + w + 20, 330, ' stroke="#8a8070" stroke-width="3"')}
${line(200, 330 - h, 200 - w - 30, 320, ' stroke="#8a8070" stroke-width="2"')}${line(200, 330 - h, 200 + w + 30, 320, ' stroke="#8a8070" stroke-width="2"')}
<path d="M${200 - w} 330 L200 ${330 - h} L${200 + w} 330 Z" fill="${c}"/>
<path d="M200 ${330 - h} L${200 + w} 330 H${200 + w - 40} Z" fill="${dark}"/>
<path d="M${200 - w * 0.42} 330 L200 ${330 - h * 0.62} L${200 + w * 0.42} 330 Z" fill="${shade(c, -0.5)}"/>
${line(200, 330 - h * 0.62, 200, 330, ` stroke="${light}" stroke-width="3"`)}
${v === 1 ? `<path d="M${200 - w} 330 L200 ${330 - h} L${200 + w} 330" fill="none" stroke="${light}" stroke-width="5"/>` : ''}`;
  },

  sleepingbag: ({ c, dark, light }, v) => v === 2
    ? `
<rect x="90" y="70" width="220" height="280" rx="24" fill="${c}"/>
<path d="M290 80 V340" stroke="${STEEL}" stroke-width="5"/>
<path d="M90 92 Q90 70 114 70 H286 Q310 70 310 92 V130 H90 Z" fill="${dark}"/>
${range(4).map((i) => line(96, 170 + i * 44, 304, 170 + i * 44, ` stroke="${dark}" stroke-width="3"`)).join('')}
<path d="M220 350 L310 260 V326 Q310 350 286 350 Z" fill="${light}"/>`
    : `
<path d="M200 40 Q282 40 286 130 Q290 230 254 340 Q200 362 146 340 Q110 230 114 130 Q118 40 200 40 Z" fill="${c}"/>
<ellipse cx="200" cy="102" rx="44" ry="38" fill="${shade(c, -0.55)}"/>
<path d="M156 102 Q200 40 244 102" fill="none" stroke="${dark}" stroke-width="10"/>
${range(v === 0 ? 6 : 4).map((i) => `<path d="M${122 + i * 2} ${166 + i * (v === 0 ? 30 : 44)} Q200 ${178 + i * (v === 0 ? 30 : 44)} ${278 - i * 2} ${166 + i * (v === 0 ? 30 : 44)}" fill="none" stroke="${dark}" stroke-width="3"/>`).join('')}
${line(232, 140, 238, 330, ` stroke="${STEEL}" stroke-width="4"`)}`,

  poles: ({ c, dark, light }, v) => range(2).map((i) => `
<g transform="rotate(${i ? 14 : -14} 200 360)">
${v === 0 ? range(3).map((s) => `<rect x="194" y="${110 + s * 76}" width="12" height="74" rx="3" fill="#2b2b2e"/>`).join('') : `<rect x="194" y="110" width="12" height="230" rx="4" fill="${STEEL}"/><rect x="192" y="${v === 1 ? 210 : 0}" width="16" height="${v === 1 ? 12 : 0}" rx="3" fill="${c}"/>`}
<rect x="186" y="54" width="28" height="70" rx="12" fill="${v === 1 ? CORK : c}"/>
<path d="M188 64 Q160 86 190 110" fill="none" stroke="${dark}" stroke-width="5"/>
${v === 2 ? `<path d="M200 340 L226 356 L190 360 Z" fill="#2b2b2e"/>` : `<ellipse cx="200" cy="320" rx="22" ry="7" fill="${c}"/>${line(200, 340, 200, 360, ' stroke="#5a5a60" stroke-width="5"')}`}
${v !== 0 ? `<rect x="194" y="124" width="12" height="${v === 1 ? 10 : 0}" fill="${light}"/>` : ''}
</g>`).join(''),

  stove: ({ c, dark }, v) => {
    if (v === 1) return `
<rect x="70" y="170" width="260" height="140" rx="12" fill="${c}"/>
<path d="M70 170 L110 80 H290 L330 170" fill="${dark}"/>
<rect x="86" y="184" width="228" height="60" rx="6" fill="#2b2b2e"/>
${[150, 250].map((x) => `<ellipse cx="${x}" cy="214" rx="34" ry="14" fill="#55555c"/><path d="M${x - 14} 206 q14 -40 28 0" fill="#4cb3ff" stroke="none" opacity=".85"/>`).join('')}
${[130, 270].map((x) => `<circle cx="${x}" cy="276" r="14" fill="${STEEL}"/>`).join('')}`;
    if (v === 2) return `
<path d="M136 330 L150 150 H250 L264 330 Z" fill="${c}"/>
${range(3).map((r) => range(3).map((i) => `<circle cx="${176 + i * 24}" cy="${190 + r * 40}" r="7" fill="${dark}"/>`).join('')).join('')}
<rect x="138" y="136" width="124" height="20" rx="4" fill="${dark}"/>
<path d="M170 136 q10 -60 30 -80 q20 20 30 80 Z" fill="#f4a23c" stroke="none"/><path d="M186 136 q6 -34 14 -46 q10 14 14 46 Z" fill="#ffd35c" stroke="none"/>`;
    return `
<path d="M150 330 Q140 240 170 226 H230 Q260 240 250 330 Z" fill="${c}"/>
<rect x="170" y="200" width="60" height="30" rx="6" fill="${STEEL}"/>
<path d="M150 170 L180 200 M250 170 L220 200 M200 160 V200" stroke="${STEEL}" stroke-width="8"/>
<path d="M180 176 q20 -60 40 0 Z" fill="#4cb3ff" stroke="none" opacity=".85"/>
<rect x="128" y="150" width="144" height="16" rx="6" fill="${dark}"/>
<path d="M250 210 H300" stroke="${dark}" stroke-width="8"/>`;
  },

  bottle: ({ c, dark, light }, v) => `
${v === 0 ? `<path d="M180 60 Q200 26 220 60" fill="none" stroke="${dark}" stroke-width="8"/>` : ''}
<rect x="${v === 1 ? 166 : 172}" y="56" width="${v === 1 ? 68 : 56}" height="40" rx="10" fill="${v === 2 ? '#2b2b2e' : dark}"/>
${v === 2 ? '<rect x="188" y="28" width="24" height="30" rx="6" fill="#2b2b2e"/>' : ''}
<path d="M${v === 1 ? 164 : 170} 96 H${v === 1 ? 236 : 230} Q262 110 262 146 V326 Q262 346 242 346 H158 Q138 346 138 326 V146 Q138 110 ${v === 1 ? 164 : 170} 96 Z" fill="${c}"/>
<rect x="156" y="140" width="14" height="170" rx="7" fill="${light}" opacity=".8"/>
${v === 0 ? `<rect x="138" y="200" width="124" height="60" fill="${dark}"/>` : ''}
${v === 2 ? `<rect x="176" y="120" width="48" height="150" rx="12" fill="none" stroke="${light}" stroke-dasharray="6 6"/>` : ''}`,
};

/** A wristwatch: strap, case, dial, hands; options pick the style. */
function watch({ c, dark, light, ink }, v, o) {
  const r = o.thin ? 80 : 74;
  const marks = range(o.marks).map((i) => {
    const a = (i / o.marks) * 2 * Math.PI;
    const inner = o.marks === 4 ? r - 24 : r - 16;
    const x1 = 200 + Math.sin(a) * inner, y1 = 200 - Math.cos(a) * inner;
    const x2 = 200 + Math.sin(a) * (r - 8), y2 = 200 - Math.cos(a) * (r - 8);
    return line(x1.toFixed(1), y1.toFixed(1), x2.toFixed(1), y2.toFixed(1), ` stroke="${luminance(o.dial) > 0.5 ? '#2b2b2e' : '#f1efe9'}" stroke-width="${i % 3 === 0 ? 6 : 3}"`);
  }).join('');
  const hand = luminance(o.dial) > 0.5 ? '#2b2b2e' : '#f7f3e8';
  return `
<rect x="164" y="20" width="72" height="360" rx="${o.links ? 6 : 14}" fill="${o.strap}"/>
${o.links ? range(12).map((i) => line(166, 30 + i * 30, 234, 30 + i * 30, ` stroke="${shade(STEEL, -0.3)}" stroke-width="3"`)).join('') : ''}
${o.strapStitch ? `<rect x="174" y="30" width="52" height="340" rx="8" fill="none" stroke="${light}" stroke-width="2" stroke-dasharray="6 5"/>` : ''}
${!o.links ? range(3).map((i) => `<circle cx="200" cy="${300 + i * 22}" r="4" fill="${shade(o.strap, -0.4)}" stroke="none"/>`).join('') : ''}
<rect x="${200 + r}" y="188" width="14" height="24" rx="4" fill="${STEEL}"/>
<circle cx="200" cy="200" r="${r + (o.bezelRing ? 16 : 8)}" fill="${o.bezel}"/>
${o.bezelRing ? range(12).map((i) => { const a = (i / 12) * 2 * Math.PI; return `<circle cx="${(200 + Math.sin(a) * (r + 8)).toFixed(1)}" cy="${(200 - Math.cos(a) * (r + 8)).toFixed(1)}" r="${i === 0 ? 5 : 2.5}" fill="${i === 0 ? '#ff5a4e' : '#f1efe9'}" stroke="none"/>`; }).join('') : ''}
<circle cx="200" cy="200" r="${r}" fill="${o.dial}"/>
${o.tachy ? `<circle cx="200" cy="200" r="${r - 4}" fill="none" stroke="${shade(o.dial, 0.4)}" stroke-width="3" stroke-dasharray="2 4"/>` : ''}
${marks}
${o.subdials ? [[-28, 14], [28, 14], [0, 36]].map(([dx, dy]) => `<circle cx="${200 + dx}" cy="${200 + dy}" r="16" fill="${o.subdials}" stroke="${shade(o.subdials, -0.4)}" stroke-width="2"/>`).join('') : ''}
${o.moon ? `<path d="M186 236 A16 16 0 0 1 214 236 Z" fill="#d9b96a" stroke="none"/><circle cx="200" cy="232" r="6" fill="#f4e7b6" stroke="none"/>` : ''}
${o.numerals ? `<text x="200" y="162" font-family="Helvetica,Arial,sans-serif" font-size="20" font-weight="700" fill="${hand}" stroke="none" text-anchor="middle">12</text>` : ''}
${line(200, 200, (200 - r * 0.45).toFixed(1), (200 - r * 0.26).toFixed(1), ` stroke="${hand}" stroke-width="7"`)}${line(200, 200, (200 + r * 0.62).toFixed(1), (200 - r * 0.36).toFixed(1), ` stroke="${hand}" stroke-width="5"`)}
${line(200, 200, 200, (200 + r * 0.68).toFixed(1), ` stroke="#ff5a4e" stroke-width="2"`)}
<circle cx="200" cy="200" r="6" fill="${hand}" stroke="none"/>`;
}

/** Side-view shoes are drawn small: shown larger, standing on the shadow. */
const SHOE = 'translate(200 348) scale(1.1) translate(-210 -294)';
const FRAME = { sneaker: SHOE, runner: SHOE, loafer: 'translate(200 348) scale(1.1) translate(-210 -288)', boot: SHOE };

/** A product picture as SVG: its kind, drawn in its colour on the category's tint. */
export function productSvg(p) {
  const { kind, variant, colour, hue } = p.picture;
  const t = tones(colour);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
<rect width="400" height="400" fill="hsl(${hue},38%,95%)"/>
<circle cx="200" cy="200" r="160" fill="hsl(${hue},45%,89%)"/>
<ellipse cx="200" cy="356" rx="140" ry="12" fill="hsl(${hue},25%,80%)"/>
<g stroke="${t.ink}" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"${FRAME[kind] ? ` transform="${FRAME[kind]}"` : ''}>${DRAW[kind](t, variant)}
</g>
</svg>
`;
}
