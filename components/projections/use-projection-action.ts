'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '@/lib/client/fetchers';
import { runAction, type ProjectionAction } from './api';
import { projectionPageKeys } from './queries';

/** Runs one operator action; whatever its outcome, the status and the log are fetched again. */
export function useProjectionAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: ProjectionAction) => runAction(action),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: projectionPageKeys.overview() }),
        client.invalidateQueries({ queryKey: projectionPageKeys.operations() }),
      ]),
  });
}

/** The API's own words for a refusal; a call that never got an answer says so. */
export function actionErrorMessage(error: Error): string {
  if (error instanceof ApiError) return error.message;
  return 'The server could not be reached. Check your connection and try again.';
}
