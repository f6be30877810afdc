import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { resumeSaved } from './client/session';
import { listenToHistory } from './store/route';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/dialogs.css';

listenToHistory();
void resumeSaved();
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
