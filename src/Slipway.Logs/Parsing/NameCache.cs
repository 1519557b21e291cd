namespace Slipway.Logs.Parsing;

/// <summary>
/// Strings for the short fields that repeat from event to event (host, program, proc id, msg id): a fixed table of
/// slots chosen by hash, so memory stays bounded whatever senders invent, and a name already in its slot is returned
/// instead of allocating it again. Safe from several threads without locks: a slot holds a whole string reference,
/// and two threads that both miss only both allocate.
/// </summary>
internal sealed class NameCache
{
    private const int Slots = 4096;
    private const int MaxLength = 64;
    private readonly string?[] _slots = new string?[Slots];

    public string Get(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return "";
        }

        if (name.Length > MaxLength)
        {
            return name.ToString();
        }

        ref var slot = ref _slots[string.GetHashCode(name) & (Slots - 1)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && name.SequenceEqual(cached))
        {
            return cached;
        }

        var made = name.ToString();
        Volatile.Write(ref slot, made);
        return made;
    }
}
