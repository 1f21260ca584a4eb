import { Injectable } from '@nestjs/common';
import { hashPassword } from '#auth';
import { conflict, notFound } from '#domain';
import { isUniqueViolation, UsersRepository } from '#persistence';
import { type CreateUserDto, type UpdateUserDto } from './users.dto.js';
import { toUserView, type UserView } from './user.view.js';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async me(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw notFound('user');
    return toUserView({ ...user, active: undefined });
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    try {
      return toUserView(await this.users.create({ email: dto.email, name: dto.name, role: dto.role, passwordHash }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a user with email ${dto.email} already exists`, { field: 'email' });
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    if (!(await this.users.findById(id))) throw notFound('user');
    return toUserView(await this.users.update(id, dto));
  }

  /** Deactivation, not deletion: workspaces and audit history keep their owner. */
  async deactivate(id: string): Promise<void> {
    if (!(await this.users.findById(id))) throw notFound('user');
    await this.users.update(id, { active: false });
  }
}
