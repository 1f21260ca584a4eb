import { Module } from '@nestjs/common';
import { VolumeInventoryController } from './volume-inventory.controller.js';
import { VolumeInventoryService } from './volume-inventory.service.js';

@Module({ controllers: [VolumeInventoryController], providers: [VolumeInventoryService] })
export class VolumesModule {}
