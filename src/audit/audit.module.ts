import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/**
 * Global: every module that performs human or administrative actions records them, and none should
 * have to import this module for it. Imports nothing from jobs, so the jobs module may use it.
 */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
