// The host layout is Core's (one definition for Deploy, Recipes and setup); every recipe step names paths through it.
global using Slipway.Core.Layout;
