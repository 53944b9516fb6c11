import { Module } from '@nestjs/common';
import { ExceptionCaseRepository } from './exception-case.repository.js';
import { ExceptionRoutingRepository } from './exception-routing.repository.js';
import { ExceptionService } from './exception.service.js';

/** The exception store. Other modules raise and read cases through ExceptionService only. */
@Module({
  providers: [ExceptionCaseRepository, ExceptionRoutingRepository, ExceptionService],
  exports: [ExceptionService],
})
export class ExceptionsModule {}
