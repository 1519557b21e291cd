namespace Slipway.Recipes;

/// <summary>What the command being run asks of the recipes.</summary>
public sealed record RecipeOptions
{
    /// <summary><c>rollback --migrate</c>: reverse the migrations applied after the target release before switching.</summary>
    public bool ReverseMigrations { get; init; }
}
