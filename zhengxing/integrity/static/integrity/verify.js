/* The public verify page (issue 24): a posted notice checked in the visitor's own browser,
   trusting nothing the server says without proof.

   - the notice's signed quarter, as the ledger holds it now (canonical JSON), is hashed as a
     leaf, SHA-256(0x00 || leaf), and its path walked to a root (RFC 9162 §2.1.3.2);
   - that root must be the county's signed head's, and the head's Ed25519 signature must hold
     under the county's public key (WebCrypto: crypto.subtle.digest and verify);
   - the leaf's figures must be the ones the visitor holds: the notice's QR code carries its
     chain head's hash and sums; a paper notice prints a check code (the hash's first 16 hex
     digits) and its sums;
   - a kept heads file (heads-latest.json): the current head must extend the kept one
     (the consistency proof, §2.1.4.2), both signed.
   The server's own walk of the branch's chain is shown beside, named as the server's.
   No library, nothing from another site. */
(function () {
  "use strict";

  var subtle = window.crypto && window.crypto.subtle;

  function hexOf(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }
  function bytesOfHex(hex) {
    if (typeof hex !== "string" || !/^([0-9a-f]{2})*$/i.test(hex)) throw new Error("hex");
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  function bytesOfBase64(text) {
    var raw = atob(String(text).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function join(prefix, parts) {
    var length = 1;
    parts.forEach(function (p) { length += p.length; });
    var out = new Uint8Array(length);
    out[0] = prefix;
    var at = 1;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function sha256(bytes) {
    return subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }
  function leafHash(leaf) { return sha256(join(0, [leaf])); }
  function nodeHash(left, right) { return sha256(join(1, [left, right])); }
  function same(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function half(n) { return Math.floor(n / 2); }
  function powerOfTwo(n) { while (n > 1 && n % 2 === 0) n = n / 2; return n === 1; }
  function odd(n) { return n % 2 === 1; }

  /* RFC 9162 §2.1.3.2: the root the leaf hash and its path lead to, or null when the path
     cannot be one for that index and size (zhengxing/integrity/merkle.py, root_from_inclusion). */
  async function rootFromInclusion(index, size, leaf, path) {
    if (!(index >= 0 && index < size)) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) return null;
      if (odd(fn) || fn === sn) {
        r = await nodeHash(path[i], r);
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        r = await nodeHash(r, path[i]);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 ? r : null;
  }

  /* RFC 9162 §2.1.4.2 (merkle.py, consistency_holds). */
  async function consistencyHolds(first, second, firstRoot, secondRoot, proof) {
    if (!(first >= 0 && first <= second)) return false;
    if (first === 0) return proof.length === 0;
    if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
    if (proof.length === 0) return false;
    var path = proof.slice();
    if (powerOfTwo(first)) path.unshift(firstRoot);
    var fn = first - 1, sn = second - 1;
    while (odd(fn)) { fn = half(fn); sn = half(sn); }
    var fr = path[0], sr = path[0];
    for (var i = 1; i < path.length; i++) {
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        fr = await nodeHash(path[i], fr);
        sr = await nodeHash(path[i], sr);
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        sr = await nodeHash(sr, path[i]);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
  }

  /* What the county's key signs for a head (leaves.py, head_message): canonical JSON, sorted
     keys, no spaces, UTF-8. */
  function headMessage(county, head) {
    var text = JSON.stringify({ county: county, root: head.root, size: head.size, timestamp: head.timestamp, v: 1 });
    return new TextEncoder().encode(text);
  }

  /* true, false, or "unsupported" when this browser has no Ed25519 in WebCrypto. */
  async function signatureHolds(county, head, publicKey) {
    var key;
    try {
      key = await subtle.importKey("raw", bytesOfBase64(publicKey), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e && e.name === "NotSupportedError") return "unsupported";
      return false;
    }
    try {
      return await subtle.verify({ name: "Ed25519" }, key, bytesOfBase64(head.signature), headMessage(county, head));
    } catch (e) {
      return false;
    }
  }

  /* Points as the notice prints them ("27.0", "-5"), compared as tenths. */
  function tenths(text) {
    var t = String(text).trim().replace(/[，,\s]/g, "").replace(/^＋|^\+/, "").replace(/^－|^−/, "-");
    if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
    return Math.round(parseFloat(t) * 10);
  }
  function codeOf(text) { return String(text).toLowerCase().replace(/[\s-]/g, ""); }

  /* The whole check of a notice's proof: resolves to {state, checks, figures, ms}. `held` is
     what the visitor holds ({h, a, d}, any of them empty); when it is all empty, the figures
     are compared with the notice as posted online. */
  async function check(data, held) {
    var started = performance.now();
    var checks = [];
    var leaf = JSON.parse(data.leaf.content);
    var path = data.proof.map(bytesOfHex);
    var hash = await leafHash(new TextEncoder().encode(data.leaf.content));
    var root = await rootFromInclusion(data.leaf.index, data.head.size, hash, path);
    var inTree = same(root, bytesOfHex(data.head.root));
    var changed = [];
    if (!inTree && data.leaf.anchored && data.leaf.anchored !== data.leaf.content) {
      // the quarter as it was appended at sign-off: if the tree proves it, name what changed
      var was = await leafHash(new TextEncoder().encode(data.leaf.anchored));
      if (same(await rootFromInclusion(data.leaf.index, data.head.size, was, path), bytesOfHex(data.head.root))) {
        var before = JSON.parse(data.leaf.anchored);
        Object.keys(before).forEach(function (k) {
          if (String(before[k]) !== String(leaf[k])) changed.push({ field: k, was: String(before[k]), now: String(leaf[k]) });
        });
      }
    }
    checks.push({ key: "tree", ok: inTree, changed: changed, index: data.leaf.index, size: data.head.size });
    var signed = await signatureHolds(data.county, data.head, data.head.public_key);
    checks.push({ key: "signature", ok: signed === true, unsupported: signed === "unsupported" });
    var n = data.notice;
    checks.push({
      key: "names",
      ok: leaf.county === data.county && leaf.branch === n.branch_ref && leaf.quarter === n.quarter,
    });
    var paper = !!(held.h || held.a || held.d);
    var source = paper ? held : { h: n.head_hash, a: n.additions, d: n.deductions };
    var additions = tenths(leaf.base_total) + tenths(leaf.bonus_total);
    var figures = [];
    if (source.h) {
      var code = codeOf(source.h);
      figures.push({
        key: "code", shown: source.h, ledger: leaf.head_hash,
        ok: code.length >= 16 && leaf.head_hash.slice(0, code.length) === code,
      });
    }
    if (source.a) figures.push({ key: "additions", shown: source.a, ledger: (additions / 10).toFixed(1), ok: tenths(source.a) === additions });
    if (source.d) figures.push({ key: "deductions", shown: source.d, ledger: leaf.deduction_total, ok: tenths(source.d) === tenths(leaf.deduction_total) });
    checks.push({ key: "figures", ok: figures.length > 0 && figures.every(function (f) { return f.ok; }), paper: paper, none: figures.length === 0 });
    checks.push({ key: "chain", ok: data.chain.matches, problem: data.chain.problem });
    var ms = performance.now() - started;
    var bad = checks.some(function (c) { return !c.ok && !c.unsupported; });
    var state = bad ? "bad" : checks.some(function (c) { return c.unsupported; }) ? "unsupported" : "ok";
    return { state: state, checks: checks, figures: figures, leaf: leaf, root: root ? hexOf(root) : "", ms: ms };
  }

  /* A kept heads file against the county's current head: resolves to {state, lines}. */
  async function checkKept(county, raw, fetchProof) {
    var doc;
    try { doc = JSON.parse(raw); } catch (e) { return { state: "bad", lines: [["bad", "unreadable"]] }; }
    if (!doc || doc.format !== "zhengxing-heads/1" || !Array.isArray(doc.heads) || !doc.heads.length) {
      return { state: "bad", lines: [["bad", "unreadable"]] };
    }
    if (doc.county !== county) return { state: "bad", lines: [["bad", "other_county", doc.county]] };
    var kept = doc.heads.slice().sort(function (a, b) { return a.size - b.size; }).pop();
    var lines = [];
    var keptSigned = await signatureHolds(county, kept, doc.public_key);
    if (keptSigned === "unsupported") lines.push(["unsupported", "no_ed25519"]);
    else lines.push([keptSigned ? "ok" : "bad", keptSigned ? "kept_signed" : "kept_unsigned", kept.size]);
    var answer = await fetchProof(kept.size);
    if (!answer) {
      lines.push(["bad", "no_such_head", kept.size]);
    } else {
      var head = answer.head;
      if (head.public_key !== doc.public_key) lines.push(["bad", "key_changed"]);
      var nowSigned = await signatureHolds(county, head, head.public_key);
      if (nowSigned !== "unsupported") lines.push([nowSigned ? "ok" : "bad", nowSigned ? "now_signed" : "now_unsigned", head.size]);
      var holds = await consistencyHolds(kept.size, head.size, bytesOfHex(kept.root), bytesOfHex(head.root), answer.proof.map(bytesOfHex));
      lines.push([holds ? "ok" : "bad", holds ? "extends" : "not_extends", kept.size, head.size]);
    }
    var bad = lines.some(function (l) { return l[0] === "bad"; });
    var unsupported = lines.some(function (l) { return l[0] === "unsupported"; });
    return { state: bad ? "bad" : unsupported ? "unsupported" : "ok", lines: lines };
  }

  window.ZhengxingVerify = {
    check: check, checkKept: checkKept, rootFromInclusion: rootFromInclusion,
    consistencyHolds: consistencyHolds, leafHash: leafHash, bytesOfHex: bytesOfHex, hexOf: hexOf,
  };

  // --- the page ----------------------------------------------------------------------------
  var textNode = document.getElementById("verify-text");
  if (!textNode) return;
  var T = JSON.parse(textNode.textContent);
  function say(key, args) {
    var text = T[key] || key;
    (args || []).forEach(function (a, i) { text = text.replace("{" + i + "}", a); });
    return text;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function verdict(node, state, words) {
    node.hidden = false;
    node.dataset.state = state;
    node.className = "verdict " + state;
    node.textContent = (state === "ok" ? "✔ " : state === "bad" ? "✘ " : "! ") + words;
  }

  function describe(c) {
    if (c.key === "tree") {
      if (c.ok) return say("tree_ok", [c.index, c.size]);
      return c.changed.length ? say("tree_changed") : say("tree_bad");
    }
    if (c.key === "signature") return c.unsupported ? say("no_ed25519") : say(c.ok ? "signature_ok" : "signature_bad");
    if (c.key === "names") return say(c.ok ? "names_ok" : "names_bad");
    if (c.key === "figures") {
      if (c.none) return say("figures_none");
      return say((c.ok ? "figures_ok_" : "figures_bad_") + (c.paper ? "paper" : "online"));
    }
    return c.ok ? say("chain_ok") : say("chain_bad", [c.problem]);
  }

  function render(box, result, data) {
    verdict(box.querySelector("[data-verdict]"), result.state,
      say(result.state === "ok" ? "matches" : result.state === "bad" ? "differs" : "cannot"));
    var list = box.querySelector("[data-findings]");
    list.textContent = "";
    result.checks.forEach(function (c) {
      var item = el("li", c.ok ? "ok" : c.unsupported ? "unsupported" : "bad error", describe(c));
      item.dataset.check = c.key;
      item.dataset.state = c.ok ? "ok" : c.unsupported ? "unsupported" : "bad";
      (c.changed || []).forEach(function (d) {
        item.appendChild(el("span", "changed", " " + say("field_changed", [say("field_" + d.field), d.was, d.now])));
      });
      list.appendChild(item);
    });
    var rows = box.querySelector("[data-figures]");
    rows.textContent = "";
    result.figures.forEach(function (f) {
      var tr = el("tr", f.ok ? "ok" : "bad error");
      tr.dataset.figure = f.key;
      tr.appendChild(el("th", "", say("figure_" + f.key)));
      tr.appendChild(el("td", "mono break-all", f.shown));
      tr.appendChild(el("td", "mono break-all", f.ledger));
      tr.appendChild(el("td", "", f.ok ? "✔ " + say("same") : "✘ " + say("different")));
      rows.appendChild(tr);
    });
    var detail = box.querySelector("[data-detail]");
    detail.textContent = "";
    [
      ["detail_leaf", data.leaf.content],
      ["detail_index", data.leaf.index + " / " + data.head.size],
      ["detail_root_walked", result.root || "—"],
      ["detail_root_signed", data.head.root],
      ["detail_signed_at", new Date(data.head.timestamp).toISOString()],
      ["detail_key", shown(data.head.public_key)],
      ["detail_signature", shown(data.head.signature)],
      ["detail_path", data.proof.join(" ") || "—"],
      ["detail_ms", result.ms.toFixed(2)],
    ].forEach(function (pair) {
      detail.appendChild(el("dt", "", say(pair[0])));
      detail.appendChild(el("dd", "mono break-all", pair[1]));
    });
    box.dataset.ms = String(result.ms);
  }

  /* base64 as hex for the detail, or as given when it is not base64 at all */
  function shown(text) {
    try { return hexOf(bytesOfBase64(text)); } catch (e) { return String(text); }
  }

  function cannot(box, why) {
    verdict(box.querySelector("[data-verdict]"), "unsupported", say(why));
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" }).then(function (r) {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  var box = document.querySelector("[data-verify]");
  if (box && box.dataset.proof) {
    if (!subtle || !window.TextEncoder) {
      cannot(box, "no_webcrypto");
    } else {
      var form = document.querySelector("[data-held]");
      var held = {
        h: form.elements.h.value.trim(), a: form.elements.a.value.trim(), d: form.elements.d.value.trim(),
      };
      getJSON(box.dataset.proof).then(function (data) {
        if (!data) return cannot(box, "not_anchored");
        return check(data, held).then(function (result) { render(box, result, data); });
      }).catch(function () { cannot(box, "failed"); });
    }
  }

  var keptForm = document.querySelector("[data-kept]");
  if (keptForm) {
    var file = keptForm.querySelector("input[type=file]");
    var area = keptForm.querySelector("textarea");
    if (file) {
      file.addEventListener("change", function () {
        if (file.files && file.files[0]) file.files[0].text().then(function (t) { area.value = t; });
      });
    }
    keptForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var out = keptForm.querySelector("[data-kept-verdict]");
      var lines = keptForm.querySelector("[data-kept-findings]");
      lines.textContent = "";
      if (!subtle || !window.TextEncoder) return verdict(out, "unsupported", say("no_webcrypto"));
      verdict(out, "pending", say("checking"));
      var base = keptForm.dataset.consistency;
      checkKept(keptForm.dataset.county, area.value, function (size) {
        return getJSON(base + "?first=" + encodeURIComponent(size));
      }).then(function (result) {
        verdict(out, result.state, say("kept_" + result.state));
        result.lines.forEach(function (l) {
          var item = el("li", l[0] === "bad" ? "bad error" : l[0], say("kept_" + l[1], l.slice(2)));
          item.dataset.state = l[0];
          lines.appendChild(item);
        });
      }).catch(function () { verdict(out, "unsupported", say("failed")); });
    });
  }
})();
