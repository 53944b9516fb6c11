import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** HTTP conventions shared by every controller: problem+json errors. */
@Module({ providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] })
export class HttpModule {}
