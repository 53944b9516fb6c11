import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/**
 * Global: every module that performs human or administrative actions records them, and none should
 * have to import this module for it. Imports nothing from jobs, so the jobs module may use it.
 */
@Global()
@Module({ controllers: [AuditController], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
