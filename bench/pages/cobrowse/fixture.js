// Shared by the real-page fixtures. Once a page has rendered, it becomes the customer side of the
// contender named in `?contender=`: `cck` (the e2e harness's setUp: a <cobrowse-launcher> in a
// fixed slot at the bottom right, where chat widgets sit) or `rrweb` (plain rrweb live mode over the
// bench's bare relay). `#bench-end`, the last element of the page's content, tells the bench the
// mirror is complete.
const params = new URLSearchParams(location.search);

/** `rendered`: resolves when the page's own scripts have drawn it. */
export async function becomeCustomer(rendered) {
  await rendered;
  await document.fonts.ready;
  const end = document.createElement('span');
  end.id = 'bench-end';
  document.body.append(end);
  const slot = document.createElement('div');
  slot.id = 'launcher-slot';
  slot.style.cssText = 'position: fixed; right: 16px; bottom: 16px; z-index: 2000; max-width: 360px; background: #fff; color: #000; font: 14px system-ui, sans-serif;';
  document.body.append(slot);
  if (params.get('contender') === 'rrweb') {
    const { setUpRrwebCustomer } = await import('../rrweb/record.js');
    await setUpRrwebCustomer();
  } else {
    const { setUp } = await import('/test-harness/visual/visual-common.js');
    await setUp('customer');
  }
}

export const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
