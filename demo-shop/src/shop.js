// The demo shop's own JavaScript: cart, search, checkout. It tracks commerce events through
// the Linger API as a real shop would, and keeps working when the tracker fails to load
// (the snippet's stub only queues calls). Personalized content needs no code here: the pages
// declare slots (data-linger-slot), and the tracker's renderer fills them.
(function () {
  'use strict';
  var linger = (window.linger = window.linger || function () {});
  var CART_KEY = 'demo-cart';
  var ORDERS_KEY = 'demo-orders';

  function load(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }
  function cart() {
    return load(CART_KEY, []);
  }
  function money(n) {
    return '€' + n.toFixed(2);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }
  var catalogPromise;
  function catalog() {
    catalogPromise = catalogPromise || fetch('/catalog.json').then(function (r) { return r.json(); });
    return catalogPromise;
  }
  function byId(products) {
    var map = {};
    products.forEach(function (p) { map[p.id] = p; });
    return map;
  }
  function gaItem(p, quantity) {
    return { item_id: p.id, item_name: p.name, item_category: p.categoryName, price: p.price, quantity: quantity };
  }
  function cartLines(products) {
    var index = byId(products);
    return cart()
      .filter(function (line) { return index[line.id]; })
      .map(function (line) { return { product: index[line.id], qty: line.qty }; });
  }
  function total(lines) {
    return Math.round(lines.reduce(function (sum, l) { return sum + l.product.price * l.qty; }, 0) * 100) / 100;
  }
  function showCount() {
    var el = document.getElementById('cart-count');
    if (el) el.textContent = cart().reduce(function (n, l) { return n + l.qty; }, 0);
  }
  function tileHtml(p) {
    return '<li class="tile" data-linger-item="' + p.id + '" data-linger-name="' + esc(p.name) + '" data-linger-category="' + esc(p.categoryName) +
      '" data-linger-price="' + p.price + '"><a href="/p/' + p.id + '"><img src="/img/' + p.id + '.svg" alt="" width="200" height="200">' +
      '<span class="name">' + esc(p.name) + '</span></a><span class="price">' + money(p.price) + '</span></li>';
  }

  // Product page: add to cart.
  function productPage() {
    var button = document.getElementById('add-to-cart');
    if (!button) return;
    button.addEventListener('click', function () {
      var id = button.getAttribute('data-id');
      var qty = Math.max(1, Math.min(10, parseInt(document.getElementById('qty').value, 10) || 1));
      var lines = cart();
      var line = lines.find(function (l) { return l.id === id; });
      if (line) line.qty += qty;
      else lines.push({ id: id, qty: qty });
      save(CART_KEY, lines);
      showCount();
      button.textContent = 'Added ✓';
      // Tracked at once from the page's own data: the visitor may leave right after the click.
      var d = document.querySelector('[data-linger-view-item]').dataset;
      var item = { item_id: id, item_name: d.lingerName, item_category: d.lingerCategory, price: Number(d.lingerPrice), quantity: qty };
      linger('track', 'add_to_cart', { currency: 'EUR', value: Math.round(item.price * qty * 100) / 100, items: [item], item_id: id });
    });
  }

  // Search results, rendered here from the catalog.
  function searchPage() {
    var out = document.getElementById('results');
    if (!out) return;
    var q = (new URLSearchParams(location.search).get('q') || '').trim();
    document.querySelector('.search input').value = q;
    catalog().then(function (c) {
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      var hits = c.products.filter(function (p) {
        var text = (p.name + ' ' + p.categoryName).toLowerCase();
        return words.length && words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      // Drawn after the page was parsed, so the list's view is tracked here (below), and the list is
      // marked data-linger-viewed: linger-items.js, loaded by a click in it, does not record it again.
      out.innerHTML = '<p>' + hits.length + ' results for “' + esc(q) + '”</p>' +
        (hits.length ? '<ul class="grid" data-linger-list="Search results" data-linger-viewed>' + hits.map(tileHtml).join('') + '</ul>' : '');
      if (!q) return;
      linger('track', 'search', { search_term: q.slice(0, 200) });
      if (hits.length) {
        linger('track', 'view_item_list', {
          item_list_name: 'Search results',
          items: hits.slice(0, 50).map(function (p, i) { return { item_id: p.id, item_name: p.name, item_category: p.categoryName, price: p.price, position: i }; }),
        });
      }
    });
  }

  function cartPage() {
    var out = document.getElementById('cart');
    if (!out) return;
    var lines = [];
    // One listener for the page's life: the cart is drawn again after each removal.
    out.addEventListener('click', function (e) {
      var id = e.target.getAttribute && e.target.getAttribute('data-id');
      if (!id || !e.target.classList.contains('remove')) return;
      var line = lines.find(function (l) { return l.product.id === id; });
      if (!line) return;
      save(CART_KEY, cart().filter(function (l) { return l.id !== id; }));
      linger('track', 'remove_from_cart', { currency: 'EUR', value: line.product.price * line.qty, items: [gaItem(line.product, line.qty)], item_id: id });
      draw();
      showCount();
    });
    function draw() {
      catalog().then(function (c) {
        lines = cartLines(c.products);
        if (!lines.length) {
          out.innerHTML = '<p>Your cart is empty. <a href="/">Keep shopping</a></p>';
          return;
        }
        out.innerHTML = '<table class="lines">' + lines.map(function (l) {
          return '<tr><td><a href="/p/' + l.product.id + '">' + esc(l.product.name) + '</a></td><td>' + l.qty + ' × ' + money(l.product.price) +
            '</td><td><button class="remove" data-id="' + l.product.id + '">Remove</button></td></tr>';
        }).join('') + '</table><p class="total">Total ' + money(total(lines)) + '</p><a class="buy" id="checkout" href="/checkout">Checkout</a>';
        document.getElementById('checkout').addEventListener('click', function () {
          linger('track', 'begin_checkout', { currency: 'EUR', value: total(lines), items: lines.map(function (l) { return gaItem(l.product, l.qty); }) });
        });
      });
    }
    draw();
  }

  function checkoutPage() {
    var form = document.getElementById('checkout-form');
    if (!form) return;
    catalog().then(function (c) {
      var lines = cartLines(c.products);
      document.getElementById('summary').textContent = lines.length ? lines.length + ' products, ' + money(total(lines)) : 'Your cart is empty.';
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        if (!lines.length) return;
        var order = {
          id: 'order-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6),
          value: total(lines),
          items: lines.map(function (l) { return gaItem(l.product, l.qty); }),
          tracked: false,
        };
        // A shop links its order to the anonymous visitor, to join its own records with Linger's.
        // (The callback runs at once when the tracker is loaded; without it the order has no visitor.)
        linger('visitor', function (id) { order.visitor = id; });
        save(ORDERS_KEY, load(ORDERS_KEY, []).concat([order]));
        save(CART_KEY, []);
        location.href = '/order?id=' + encodeURIComponent(order.id);
      });
    });
  }

  // The confirmation page records the purchase once per order.
  function orderPage() {
    var out = document.getElementById('order');
    if (!out) return;
    var id = new URLSearchParams(location.search).get('id');
    var orders = load(ORDERS_KEY, []);
    var order = orders.find(function (o) { return o.id === id; });
    if (!order) {
      out.innerHTML = '<p>No such order.</p>';
      return;
    }
    out.innerHTML = '<p>Thank you! Order <strong id="order-id">' + esc(order.id) + '</strong> is confirmed: ' + money(order.value) + '.</p>';
    if (!order.tracked) {
      linger('track', 'purchase', { transaction_id: order.id, value: order.value, currency: 'EUR', items: order.items });
      order.tracked = true;
      save(ORDERS_KEY, orders);
    }
  }

  function start() {
    showCount();
    productPage();
    searchPage();
    cartPage();
    checkoutPage();
    orderPage();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
