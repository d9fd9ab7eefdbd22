import DataLoader from 'dataloader';
import { FindOptionsWhere, In, Repository } from 'typeorm';

/** A per-request loader of entities by id: one query per batch, answers in the order asked. */
export function byIdLoader<E extends { id: string }>(repository: Repository<E>): DataLoader<string, E | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await repository.findBy({ id: In([...ids]) } as FindOptionsWhere<E>)).map((e) => [e.id, e]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
