using System.Collections.Immutable;

namespace Slipway.Monitor;

/// <summary>
/// The last 21 recorded states of a check and their weighted percent state change, as Nagios's <c>flapping.c</c>
/// computes it: of the 20 transitions between neighbouring slots, each one where the state differs counts with a
/// weight rising linearly from 0.75 (oldest) to 1.25 (newest), <c>weight(i) = 0.75 + i * 0.5 / 19</c> for
/// i = 0..19, and the percent is <c>sum * 100 / 20</c>. A check that changes on every result scores 100 %, one that
/// never changes 0 %. The slots start as OK, as in Nagios.
/// </summary>
public sealed record FlapHistory
{
    public const int Slots = 21;
    private const double LowWeight = 0.75;
    private const double HighWeight = 1.25;

    /// <summary>Oldest first.</summary>
    public ImmutableArray<ServiceState> States { get; private init; } =
        [.. Enumerable.Repeat(ServiceState.Ok, Slots)];

    public static FlapHistory Empty { get; } = new();

    /// <summary>A history read back (the state file): the last <see cref="Slots"/> of <paramref name="states"/>, padded with OK in front.</summary>
    public static FlapHistory From(IEnumerable<ServiceState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var given = states.TakeLast(Slots).ToList();
        return new FlapHistory { States = [.. Enumerable.Repeat(ServiceState.Ok, Slots - given.Count), .. given] };
    }

    public FlapHistory Record(ServiceState state) => this with { States = States.RemoveAt(0).Add(state) };

    public double PercentStateChange()
    {
        var changes = 0.0;
        for (var i = 1; i < Slots; i++)
        {
            if (States[i] != States[i - 1])
            {
                changes += LowWeight + ((i - 1) * (HighWeight - LowWeight) / (Slots - 2));
            }
        }

        return changes * 100.0 / (Slots - 1);
    }

    public bool Equals(FlapHistory? other) => other is not null && States.SequenceEqual(other.States);

    public override int GetHashCode() => States.Aggregate(0, (hash, state) => (hash * 5) + (int)state);
}
