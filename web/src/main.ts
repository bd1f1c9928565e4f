import { setupConvView } from './convView.js';
import { setupToyView } from './toyView.js';

setupToyView();
setupConvView().catch((e: unknown) => {
  const el = document.getElementById('conv-error');
  if (el) el.textContent = (e as Error).message;
});
