/** The encoders a task model can be built on (core/models): AlexNet sees frames, the 3D networks clips. */
export const BACKBONES = ['alexnet', 'c3d', 'r3d', 'r2plus1d'] as const;
export type Backbone = (typeof BACKBONES)[number];
