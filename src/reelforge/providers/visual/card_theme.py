"""The look of a video's cards: topic (keywords), mood (simple sentiment), palette, layout and icons.

Chosen deterministically from the script's own words, the mode and the seed (a sha256 of them, never
Python's salted hash), so the same brief and seed give the same look and a cooking short does not look
like a sleep short.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from reelforge.text.scripts import dominant_script

RGB = tuple[int, int, int]
LayoutName = Literal["badge", "editorial", "spotlight"]
LAYOUTS: tuple[LayoutName, ...] = ("badge", "editorial", "spotlight")


def _hex(value: str) -> RGB:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


@dataclass(frozen=True)
class Palette:
    name: str
    top: RGB
    bottom: RGB
    accent: RGB
    accent2: RGB
    text: RGB
    muted: RGB

    @property
    def light(self) -> bool:
        """A light background (dark type on it)."""
        return sum(self.top) > 3 * 150


def _pal(name: str, top: str, bottom: str, accent: str, accent2: str, text: str = "#ffffff",
         muted: str = "#d0d4e4") -> Palette:
    return Palette(name, _hex(top), _hex(bottom), _hex(accent), _hex(accent2), _hex(text), _hex(muted))


@dataclass(frozen=True)
class Topic:
    name: str
    keywords: tuple[str, ...]  # lower-case stems (Latin) or words (CJK), matched as substrings
    icons: tuple[str, ...]  # Material Design Icons names, one per scene in turn
    palettes: tuple[Palette, ...]
    labels: dict[str, str]  # kicker label per language: en, ko, ja, zh


TOPICS: tuple[Topic, ...] = (
    Topic("sleep", ("sleep", "bed", "nap", "insomnia", "dream", "night", "tired", "melatonin", "rest",
                    "잠", "수면", "자기 전", "침대", "睡眠", "寝", "眠", "睡", "夜"),
          ("weather_night", "bed", "power_sleep", "alarm", "moon_waning_crescent"),
          (_pal("night", "#0b1026", "#1f2357", "#ffd27a", "#8fa8ff", muted="#c3cbef"),
           _pal("dusk", "#1d1433", "#3d2260", "#f6c177", "#c4a7e7", muted="#d9cdef"),
           _pal("lavender", "#ece7fb", "#cdc3f0", "#4b3f8f", "#e07a5f", "#1c1740", "#4f4680")),
          {"en": "SLEEP", "ko": "수면", "ja": "睡眠", "zh": "睡眠"}),
    Topic("cooking", ("cook", "recipe", "kitchen", "food", "pasta", "bake", "meal", "dinner", "lunch",
                      "breakfast", "salt", "garlic", "oven", "pan", "chef", "eat", "sauce", "dish", "boil", "pot",
                      "fry", "roast", "chop", "ingredient",
                      "요리", "레시피", "음식", "料理", "レシピ", "食", "烹饪", "菜谱", "做饭"),
          ("chef_hat", "pot_steam", "silverware_fork_knife", "stove", "food_apple"),
          (_pal("tomato", "#7a1f12", "#b3391f", "#ffd166", "#fff1d6", "#fffaf0", "#ffdcc7"),
           _pal("cream", "#fff4e3", "#f4d7ae", "#d9480f", "#2b9348", "#2b1a0e", "#7a4a26"),
           _pal("olive", "#27300f", "#465619", "#f4a261", "#e9c46a", "#fefae0", "#dfe3b8")),
          {"en": "KITCHEN", "ko": "요리", "ja": "料理", "zh": "烹饪"}),
    Topic("focus", ("focus", "productiv", "distract", "deep work", "concentrat", "procrastinat", "habit",
                    "pomodoro", "attention", "study", "work", "task",
                    "집중", "생산성", "集中", "生産性", "专注", "效率"),
          ("bullseye_arrow", "timer_outline", "head_lightbulb", "bell_off", "check_circle"),
          (_pal("volt-graphite", "#111317", "#232833", "#c6ff3d", "#5ce1e6", muted="#c9ced8"),
           _pal("ink", "#f3f4f6", "#d9dee8", "#2f54eb", "#e8590c", "#0f172a", "#3d4a63"),
           _pal("deep-teal", "#062a30", "#0d4a55", "#2ee6c5", "#ffd166", muted="#bfe3e3")),
          {"en": "FOCUS", "ko": "집중", "ja": "集中", "zh": "专注"}),
    Topic("money", ("money", "save", "saving", "budget", "invest", "debt", "income", "salary", "finance",
                    "spend", "bank", "cash", "stock", "retire", "price", "dollar",
                    "돈", "저축", "투자", "お金", "貯金", "投資", "钱", "省钱", "理财", "投资"),
          ("piggy_bank", "cash", "chart_line", "wallet", "hand_coin"),
          (_pal("emerald", "#052e1f", "#0b5237", "#f5c542", "#7ee081", muted="#c4e6d3"),
           _pal("mint", "#e8f7ee", "#c5ead4", "#0b7a4b", "#c79a00", "#0b2b1c", "#2f5c45"),
           _pal("navy-gold", "#0a1930", "#162e55", "#e8b84a", "#6fd3a8", muted="#c6d2e6")),
          {"en": "MONEY", "ko": "돈", "ja": "お金", "zh": "理财"}),
    Topic("fitness", ("fitness", "workout", "exercise", "gym", "muscle", "running", "runner", "squat", "push-up",
                      "pushup", "cardio", "stretch", "strength", "train", "weight", "walk", "steps",
                      "운동", "헬스", "근육", "運動", "筋", "ジム", "健身", "锻炼", "运动"),
          ("dumbbell", "run", "heart_pulse", "arm_flex", "weight_lifter"),
          (_pal("red-black", "#140606", "#3d0c0c", "#ff3b30", "#ffb703", muted="#f0c9c4"),
           _pal("volt", "#0d0d0d", "#262626", "#d7ff00", "#ff5e3a", muted="#d6d6d6"),
           _pal("blaze", "#ff5a1f", "#d6240d", "#fff1a8", "#2b0a00", "#ffffff", "#ffe3d0")),
          {"en": "TRAINING", "ko": "운동", "ja": "運動", "zh": "健身"}),
    Topic("travel", ("travel", "trip", "flight", "airport", "hotel", "pack", "passport", "vacation", "holiday",
                     "beach", "city", "tour", "luggage", "abroad", "visa",
                     "여행", "공항", "旅行", "旅", "空港", "旅游", "机场"),
          ("airplane", "bag_suitcase", "map_marker", "compass", "earth"),
          (_pal("ocean", "#06213a", "#0c4266", "#ffd166", "#06d6a0", muted="#b9dcef"),
           _pal("sand", "#fdf1dc", "#f2d3a0", "#0077b6", "#e76f51", "#1d2a35", "#4b5a66"),
           _pal("sunset", "#3d1a4f", "#b8434a", "#ffd166", "#ffe8d6", muted="#f5d3d8")),
          {"en": "TRAVEL", "ko": "여행", "ja": "旅行", "zh": "旅行"}),
    Topic("learning", ("learn", "language", "read", "book", "school", "exam", "memor", "teach", "course",
                       "skill", "practice", "공부", "학습", "勉強", "学習", "学习", "读书"),
          ("book_open_variant", "school", "pencil", "notebook", "head_cog"),
          (_pal("chalk", "#1b2a25", "#2d4239", "#ffe066", "#a5d8ff", muted="#cfe0d6"),
           _pal("paper", "#fbf8f1", "#ece1c9", "#c92a2a", "#1864ab", "#1b1b1b", "#5a5246")),
          {"en": "LEARN", "ko": "공부", "ja": "学び", "zh": "学习"}),
    Topic("tech", ("code", "software", "app", "apps", "computer", "ai", "python", "program", "data",
                   "api", "developer", "tech", "코드", "앱", "コード", "アプリ", "代码", "软件"),
          ("laptop", "code_tags", "robot", "cellphone", "rocket_launch"),
          (_pal("midnight", "#0f1530", "#231340", "#ff5e7e", "#4cc9f0", muted="#b8c1ec"),
           _pal("cobalt", "#0a1a4a", "#1c3190", "#ffbe0b", "#ff006e", muted="#bcc8ff")),
          {"en": "TECH", "ko": "테크", "ja": "テック", "zh": "科技"}),
    Topic("energy", ("energy", "electric", "power grid", "the grid", "grid operator", "power plant", "power line",
                     "solar", "wind turbine", "turbine", "battery", "batteries", "watt", "volt", "fuel", "coal",
                     "nuclear", "renewable", "generator", "substation", "transformer", "heat pump", "heater",
                     "heating", "insulation", "thermostat", "furnace", "boiler", "kilowatt", "power bill",
                     "에너지", "전기", "전력", "エネルギー", "電気", "電力", "能源", "电力", "电网"),
          ("lightning_bolt", "transmission_tower", "solar_power", "wind_turbine", "battery_charging"),
          (_pal("grid-night", "#07111f", "#12284a", "#ffd400", "#35d0ff", muted="#bccbe0"),
           _pal("solar", "#fff8e1", "#ffe3a3", "#e85d04", "#1d4ed8", "#1a1405", "#5c4a1f"),
           _pal("teal-volt", "#052a2a", "#0b4d4d", "#b8ff3d", "#ffd166", muted="#bfe0dc")),
          {"en": "ENERGY", "ko": "에너지", "ja": "エネルギー", "zh": "能源"}),
    Topic("eco", ("save water", "saving water", "water bill", "water use", "wasting water", "waste water",
                  "litres", "liters", "gallons", "shower", "faucet", "dripping", "leak", "dishwasher", "laundry",
                  "recycl", "plastic", "compost", "climate", "carbon", "emission", "sustainab", "litter", "reuse",
                  "landfill", "eco-",
                  "환경", "재활용", "절수", "環境", "リサイクル", "節水", "环保", "节水", "回收"),
          ("water", "shower_head", "recycle", "leaf", "earth"),
          (_pal("lagoon", "#03262b", "#0a4d57", "#7be0c3", "#ffd166", muted="#bfe3df"),
           _pal("rain", "#e6f4f7", "#c3e3ea", "#0b6e82", "#e07a5f", "#0c2a31", "#3f6670"),
           _pal("moss", "#14260f", "#2b4a1f", "#b5e48c", "#76c8f0", muted="#cfe3c4")),
          {"en": "ECO", "ko": "환경", "ja": "エコ", "zh": "环保"}),
    Topic("wellbeing", ("stress", "calm", "breath", "mind", "anxiety", "health", "hydrat", "relax", "meditat",
                        "happy", "mood", "plant", "garden", "nature", "스트레스", "건강", "명상",
                        "ストレス", "健康", "瞑想", "压力", "健康", "冥想"),
          ("spa", "meditation", "leaf", "heart", "sprout"),
          (_pal("forest", "#0b2420", "#15402f", "#f4d35e", "#7ee081", muted="#c9e4ca"),
           _pal("sage", "#eef3ea", "#d2e2cb", "#2d6a4f", "#e76f51", "#1b2e24", "#45604f")),
          {"en": "WELLBEING", "ko": "건강", "ja": "健康", "zh": "健康"}),
)

GENERAL = Topic("general", (), ("lightbulb_on", "star_four_points", "creation", "check_circle", "message_text"),
                (_pal("plum", "#24102f", "#40165a", "#f72585", "#b5e48c", muted="#d7b8f3"),
                 _pal("graphite", "#15171c", "#2a2f3a", "#00d1b2", "#ffb703", muted="#b8bec9"),
                 _pal("ember", "#2b0f0e", "#48200c", "#ff9f1c", "#ff4d6d", "#fff8f0", "#f3c9a8"),
                 _pal("cobalt", "#0a1a4a", "#1c3190", "#ffbe0b", "#ff006e", muted="#bcc8ff")),
                {"en": "", "ko": "", "ja": "", "zh": ""})

_POSITIVE = ("better", "best", "easy", "win", "love", "great", "happy", "boost", "improve", "simple", "quick",
             "fast", "fun", "free", "good", "잘", "좋", "簡単", "良い", "好", "轻松")
_NEGATIVE = ("stop", "avoid", "never", "mistake", "worst", "bad", "don't", "dont", "wrong", "fail", "danger",
             "warning", "quit", "lose", "hate", "마세요", "하지 마", "ダメ", "やめ", "不要", "别")


def _count(words: tuple[str, ...], text: str) -> int:
    """Occurrences of each word: Latin ones at a word start (whole words when short), CJK ones anywhere."""
    total = 0
    for word in words:
        if word.isascii():
            tail = r"\b" if len(word) <= 4 else ""
            total += len(re.findall(rf"\b{re.escape(word.strip())}{tail}", text))
        else:
            total += text.count(word)
    return total


def detect_topic(text: str) -> Topic:
    """The topic whose keywords occur most often in ``text`` (ties: earlier in TOPICS); GENERAL if none."""
    low = text.lower()
    best, best_score = GENERAL, 0
    for topic in TOPICS:
        score = _count(topic.keywords, low)
        if score > best_score:
            best, best_score = topic, score
    return best


def sentiment(text: str) -> Literal["upbeat", "warning", "neutral"]:
    low = re.sub(r"[’']", "'", text.lower())
    pos, neg = _count(_POSITIVE, low), _count(_NEGATIVE, low)
    if neg > pos:
        return "warning"
    return "upbeat" if pos > neg else "neutral"


def language_of(text: str) -> str:
    script = dominant_script(text)
    return {"hangul": "ko", "kana": "ja", "han": "zh"}.get(script or "", "en")


@dataclass(frozen=True)
class Look:
    """One video's card design; each scene varies the icon (and mirrors some layouts)."""

    topic: Topic
    mood: str
    palette: Palette
    layout: LayoutName
    mode: str

    def icon(self, index: int) -> str:
        return self.topic.icons[index % len(self.topic.icons)]

    def label(self, language: str) -> str:
        return self.topic.labels.get(language, "")

    def to_json(self) -> dict[str, str]:
        return {"topic": self.topic.name, "mood": self.mood, "palette": self.palette.name, "layout": self.layout}


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()[:8], "big")


def choose_look(text: str, *, seed: int, mode: str = "shorts") -> Look:
    """The look for a video whose words (title + narration) are ``text``."""
    topic = detect_topic(text)
    mood = sentiment(text)
    palettes = topic.palettes
    palette = palettes[_digest("palette", topic.name, mood, mode, seed) % len(palettes)]
    layouts: tuple[LayoutName, ...] = LAYOUTS if mode == "shorts" else ("editorial", "spotlight")
    # the topic's place in the table offsets the seed's pick, so one seed gives neighbouring topics
    # different layouts as well as different palettes and icons
    order = next((i for i, t in enumerate(TOPICS) if t is topic), len(TOPICS))
    layout = layouts[(order + _digest("layout", mode, seed)) % len(layouts)]
    return Look(topic, mood, palette, layout, mode)
