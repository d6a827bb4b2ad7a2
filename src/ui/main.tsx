import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { declarations } from '../core/methods/declarations';
import { recipeToString } from '../core/recipe/format';
import { createBrowserServices, SAMPLE_MODEL } from './services/browser-services';
import { createStudioStore } from './store/studio-store';
import { StoreProvider } from './store/store-context';
import { toMethodInfo } from './store/studio-state';
import { App } from './containers/App';
import { createDeviceJobs } from './services/device-jobs';
import { createDeviceStore, DeviceStoreProvider } from './store/device-store';
import { openWorkspaceStorage } from './services/workspace-storage/open-storage';
import { createWorkspaceRepository } from './services/workspace-storage/workspace-repository';
import { startWorkspacePersistence } from './store/workspace-persistence';
import { startPwa } from './pwa/start-pwa';
import { PwaNotice } from './pwa/PwaNotice';
import { RoutedApp } from './report/RoutedApp';
import { ReportServicesProvider, type ReportServices } from './report/report-services';
import { registeredModelSha256 } from './services/model-sha256';
import './styles.css';

async function start(): Promise<void> {
  const methodInfo = declarations.map(toMethodInfo);
  // Workspaces are kept in OPFS (IndexedDB where it is missing) and the last one is restored.
  const workspace = createWorkspaceRepository(await openWorkspaceStorage());
  const services = { ...createBrowserServices(), workspace };
  const store = createStudioStore({ services, methods: methodInfo, recipeText: recipeToString });
  const deviceStore = createDeviceStore(createDeviceJobs(services.registry));
  const reportServices: ReportServices = { modelSha256: (id) => registeredModelSha256(services.registry, id) };
  const updates = startPwa(store, deviceStore);
  const persistence = startWorkspacePersistence(store, services.registry, workspace);
  // Saves still pending when the tab is hidden or closed are started at once.
  addEventListener('pagehide', () => void persistence.flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void persistence.flush();
  });
  // Asks the browser not to evict what is stored under storage pressure; it may say no.
  void navigator.storage?.persist?.().catch(() => false);

  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element.');
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store}>
        <DeviceStoreProvider store={deviceStore}>
          <ReportServicesProvider value={reportServices}>
            <RoutedApp studio={<App methods={methodInfo} describeRecipe={recipeToString} sample={SAMPLE_MODEL} />} />
          </ReportServicesProvider>
          <PwaNotice controller={updates} />
        </DeviceStoreProvider>
      </StoreProvider>
    </StrictMode>,
  );
  void store.getState().refreshStorageUsage();
  await persistence.restoreLast();
}

void start();
