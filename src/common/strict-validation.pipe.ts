import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { ValidationError } from 'class-validator';

/** DTO validation that refuses unknown fields, with one `{"message": "..."}` body like the rest of the API. */
export const strictValidation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors: ValidationError[]) =>
    new BadRequestException({
      message: errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; '),
    }),
});
