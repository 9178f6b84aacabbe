import type { LiveStatus } from '@ai-secretary/protocol';
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { useApi } from '../api/instance.js';
import { followLiveFeed, type FeedState } from '../api/live-feed.js';

/** The server's live status while the calling component is mounted. */
export function useLiveStatus() {
  const { client } = useApi();
  const status = ref<LiveStatus | null>(null);
  const state = ref<FeedState>('connecting');
  const controller = new AbortController();
  onMounted(() => {
    void followLiveFeed(
      client,
      { onStatus: (next) => (status.value = next), onState: (next) => (state.value = next) },
      controller.signal,
    );
  });
  onBeforeUnmount(() => controller.abort());
  return { status, state };
}
