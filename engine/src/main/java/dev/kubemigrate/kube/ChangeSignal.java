package dev.kubemigrate.kube;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a waiting engine when an informer sees a change (or when asked to stop), so engines react
 * to watch events at once and never poll the API; the wait's timeout only lets deadlines and grace
 * periods expire.
 */
public final class ChangeSignal implements ResourceEventHandler<Object> {

  private final Semaphore changed = new Semaphore(0);

  @Override
  public void onAdd(Object obj) {
    wake();
  }

  @Override
  public void onUpdate(Object oldObj, Object newObj) {
    wake();
  }

  @Override
  public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
    wake();
  }

  public void wake() {
    changed.release();
  }

  /** Waits for the next change, at most {@code max}; false if the thread was interrupted. */
  public boolean await(Duration max) {
    try {
      changed.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
      changed.drainPermits();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
