// The "Save to Seuranta" bookmarklet (see applications.postings.bookmarklet, which turns this
// file into the javascript: link). It runs on the posting's page, in the person's own browser,
// so postings behind a log-in work and Seuranta fetches nothing. It reads the page's address,
// title, JobPosting JSON-LD, link-preview tags and any selected text, and posts them in a new
// tab to Seuranta, which opens the new-application form prefilled: nothing is saved there until
// the person presses Save. Every statement ends with a semicolon (the lines are joined), and no
// string holds a space next to punctuation that matters (those spaces are removed).
(function () {
  var d = document;
  var form = d.createElement("form");
  form.method = "post";
  form.action = ENDPOINT;
  form.target = "_blank";
  form.acceptCharset = "utf-8";
  // Multipart: text is sent as it is, where a urlencoded body would triple every non-ASCII
  // byte and could pass the server's upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB).
  form.enctype = "multipart/form-data";
  form.hidden = true;
  function add(name, value) {
    var field = d.createElement("textarea");
    field.name = name;
    field.value = value;
    form.appendChild(field);
  }
  add("url", location.href);
  add("title", d.title.slice(0, 1000));
  // Whole blocks only (a cut one would not parse), 600 000 characters in all: within that
  // limit even in three-byte characters.
  var scripts = d.querySelectorAll("script[type='application/ld+json']");
  for (var i = 0, n = 0, total = 0; i < scripts.length && n < 20; i++) {
    var text = scripts[i].textContent;
    if (/JobPosting/.test(text) && total + text.length <= 600000) {
      add("jsonld", text);
      total += text.length;
      n++;
    }
  }
  var meta = {};
  var tags = d.querySelectorAll("meta[property], meta[name]");
  for (var j = 0; j < tags.length; j++) {
    var key = (tags[j].getAttribute("property") || tags[j].getAttribute("name")).toLowerCase();
    if (/^(og:title|og:site_name|og:description|description)$/.test(key) && !(key in meta)) {
      meta[key] = tags[j].getAttribute("content") || "";
    }
  }
  add("meta", JSON.stringify(meta));
  add("selection", String(window.getSelection ? window.getSelection() : "").slice(0, 50000));
  (d.body || d.documentElement).appendChild(form);
  form.submit();
  form.parentNode.removeChild(form);
})();
