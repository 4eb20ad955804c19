import { Injectable } from '@nestjs/common';

export interface User {
  id: string;
  name: string;
}

@Injectable()
export class UsersService {
  private readonly users = new Map<string, User>([
    ['1', { id: '1', name: 'Ada' }],
    ['2', { id: '2', name: 'Grace' }],
  ]);

  async find(id: string): Promise<User | undefined> {
    await new Promise((resolve) => setImmediate(resolve)); // a store would answer later
    return this.users.get(id);
  }

  async create(name: string): Promise<User> {
    const user = { id: String(this.users.size + 1), name };
    this.users.set(user.id, user);
    return user;
  }

  async remove(id: string): Promise<boolean> {
    return this.users.delete(id);
  }
}
