"""The app's seeded random numbers (src-main/core/tasks/rng.ts), bit for bit: a generator's key (its
seed, or its parent's key and a fork label) hashed by cyrb128 into the four words of sfc32. The same
seed and forks give the app's numbers, so the samplers here draw the app's very tuples."""

_MASK = 0xFFFFFFFF
_TWO_POW_32 = 4294967296
_WARM_UP_DRAWS = 15


def _imul(a, b):
    return (a * b) & _MASK


def _code_units(text):
    """UTF-16 code units, as JavaScript's charCodeAt reads a string."""
    data = text.encode("utf-16-le")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def _cyrb128(text):
    h1, h2, h3, h4 = 1779033703, 3144134277, 1013904242, 2773480762
    for k in _code_units(text):
        h1 = h2 ^ _imul(h1 ^ k, 597399067)
        h2 = h3 ^ _imul(h2 ^ k, 2869860233)
        h3 = h4 ^ _imul(h3 ^ k, 951274213)
        h4 = h1 ^ _imul(h4 ^ k, 2716044179)
    h1 = _imul(h3 ^ (h1 >> 18), 597399067)
    h2 = _imul(h4 ^ (h2 >> 22), 2869860233)
    h3 = _imul(h1 ^ (h3 >> 17), 951274213)
    h4 = _imul(h2 ^ (h4 >> 19), 2716044179)
    h1 ^= h2 ^ h3 ^ h4
    h2 ^= h1
    h3 ^= h1
    h4 ^= h1
    return h1, h2, h3, h4


def _label(value):
    """String(value) in JavaScript, for the integer and string labels the samplers use."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"a seed or fork label is an int or a str, not {value!r}")
    return str(value)


class Rng:
    def __init__(self, key):
        self.key = key
        self.a, self.b, self.c, self.d = _cyrb128(key)
        for _ in range(_WARM_UP_DRAWS):
            self._next_uint32()

    def _next_uint32(self):
        t = (self.a + self.b + self.d) & _MASK
        self.d = (self.d + 1) & _MASK
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & _MASK
        self.c = ((self.c << 21) | (self.c >> 11)) & _MASK
        self.c = (self.c + t) & _MASK
        return t

    def next(self):
        """Uniform in [0, 1)."""
        return self._next_uint32() / _TWO_POW_32

    def int(self, low, high):
        """Uniform integer in [low, high)."""
        if high - low < 1:
            raise ValueError(f"int({low}, {high}) needs high > low")
        return low + int(self.next() * (high - low))

    def chance(self, probability):
        return self.next() < probability

    def shuffle(self, items):
        """A shuffled copy (Fisher-Yates, drawing as the app does)."""
        result = list(items)
        for i in range(len(result) - 1, 0, -1):
            j = self.int(0, i + 1)
            result[i], result[j] = result[j], result[i]
        return result

    def fork(self, label):
        text = _label(label)
        return Rng(f"{len(_code_units(text))}:{text}|{self.key}")


def create_rng(seed):
    """The generator for `seed`: the number 1 and the string "1" differ, as in the app."""
    return Rng(f"n{seed}" if isinstance(seed, int) and not isinstance(seed, bool) else f"s{_label(seed)}")
