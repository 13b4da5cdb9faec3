/* Downloads with progress for large exports (links marked data-progress-download).
 *
 * The file is fetched with the user's session, read as it streams, and handed to the browser as a
 * download when complete. Progress: records received out of the server's X-Total-Records for CSV
 * (one line per record after the header), bytes received otherwise. Without fetch streams the link
 * simply works as a normal download.
 */
(function () {
  'use strict';
  var box = document.getElementById('download-progress');
  if (!box || !window.fetch || !window.ReadableStream || !window.TextDecoder) {
    return;
  }
  var text = box.querySelector('[data-progress-text]');
  var bar = box.querySelector('[data-progress-bar]');

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function show(message, fraction) {
    box.classList.remove('d-none', 'alert-danger');
    text.textContent = message;
    bar.style.width = (fraction === null ? 100 : Math.round(fraction * 100)) + '%';
    bar.classList.toggle('progress-bar-striped', fraction === null);
    bar.classList.toggle('progress-bar-animated', fraction === null);
  }

  function size(bytes) {
    return bytes > 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : Math.ceil(bytes / 1024) + ' KB';
  }

  function filename(response, fallback) {
    var match = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '');
    return match ? match[1] : fallback;
  }

  function download(link) {
    show(box.dataset.textPreparing, null);
    fetch(link.href, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok || !response.body) {
        throw new Error(String(response.status));
      }
      var total = parseInt(response.headers.get('X-Total-Records') || '', 10);
      var csv = (response.headers.get('Content-Type') || '').indexOf('text/csv') === 0;
      var reader = response.body.getReader();
      var chunks = [];
      var bytes = 0;
      var lines = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            return new Blob(chunks, { type: response.headers.get('Content-Type') || '' });
          }
          chunks.push(step.value);
          bytes += step.value.length;
          if (csv && total >= 0) {
            for (var i = 0; i < step.value.length; i += 1) {
              if (step.value[i] === 10) { lines += 1; }
            }
            var done = Math.max(0, Math.min(total, lines - 1));
            show(say(box.dataset.textRecords, { done: done.toLocaleString(), total: total.toLocaleString() }),
                 total ? done / total : 1);
          } else {
            show(say(box.dataset.textBytes, { size: size(bytes) }), null);
          }
          return pump();
        });
      }
      return pump().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = document.createElement('a');
        a.href = url;
        a.download = filename(response, 'download');
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        show(box.dataset.textDone, 1);
      });
    }).catch(function () {
      show(box.dataset.textFailed, 0);
      box.classList.add('alert-danger');
    });
  }

  document.querySelectorAll('[data-progress-download]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      download(link);
    });
  });
}());
