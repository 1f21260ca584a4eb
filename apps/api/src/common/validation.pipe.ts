import { ValidationPipe } from '@nestjs/common';

/** DTOs are whitelists: an unknown field is refused, never silently dropped. */
export const berthValidationPipe = (): ValidationPipe =>
  new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false });
