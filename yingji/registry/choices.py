"""Choice lists of the registry, in the words the bureau uses."""

from django.db import models


class Industry(models.TextChoices):
    CHEMICAL = "chemical", "危险化学品"
    PETROLEUM = "petroleum", "石油天然气开采"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    FIREWORKS = "fireworks", "烟花爆竹"
    METALLURGY = "metallurgy", "冶金"
    NONFERROUS = "nonferrous", "有色"
    BUILDING_MATERIALS = "building_materials", "建材"
    MACHINERY = "machinery", "机械"
    LIGHT_INDUSTRY = "light_industry", "轻工"
    TEXTILE = "textile", "纺织"
    TOBACCO = "tobacco", "烟草"
    TRADE = "trade", "商贸"
    FOOD = "food", "食品加工"
    AGRICULTURE = "agriculture", "农业"
    LOGISTICS = "logistics", "仓储物流"
    CONSTRUCTION = "construction", "建筑施工"
    OTHER = "other", "其他"


class EnterpriseScale(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class HazardCategory(models.TextChoices):
    """The hazardous-chemical licence category the enterprise falls under, if any."""

    NONE = "none", "非危化企业"
    PRODUCTION = "production", "危化品生产"
    STORAGE = "storage", "危化品储存"
    USE = "use", "危化品使用"
    TRADE_WITH_STORAGE = "trade_storage", "危化品经营(带储存)"
    TRADE = "trade", "危化品经营(无储存)"
    TRANSPORT = "transport", "危化品运输"


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    NINE_YEAR = "nine_year", "九年一贯制"
    VOCATIONAL = "vocational", "职业学校"
    SPECIAL = "special", "特殊教育"


class TeamType(models.TextChoices):
    FIRE = "fire", "综合性消防救援"
    HAZMAT = "hazmat", "危化品救援"
    FLOOD = "flood", "防汛抢险"
    FOREST_FIRE = "forest_fire", "森林(草原)防灭火"
    MEDICAL = "medical", "医疗救护"
    MINE = "mine", "矿山救护"
    UTILITY = "utility", "电力/燃气/供水抢修"
    SOCIAL = "social", "社会救援力量"
    ENTERPRISE = "enterprise", "企业专职救援队"
    MILITIA = "militia", "民兵应急分队"


class ReadinessStatus(models.TextChoices):
    STANDBY = "standby", "待命"
    DEPLOYED = "deployed", "执行任务"
    RESTING = "resting", "休整"
    UNAVAILABLE = "unavailable", "不可用"


class ExpertSpecialty(models.TextChoices):
    HAZMAT = "hazmat", "危险化学品"
    FIRE = "fire", "消防"
    FLOOD = "flood", "防汛抗旱"
    GEOLOGY = "geology", "地质灾害"
    MEDICAL = "medical", "医疗卫生"
    ENVIRONMENT = "environment", "生态环境"
    STRUCTURE = "structure", "建筑结构"
    ELECTRICAL = "electrical", "电气"
    MINING = "mining", "矿山"
    TRANSPORT = "transport", "交通运输"
    METEOROLOGY = "meteorology", "气象"
    MANAGEMENT = "management", "应急管理"


class ExpertTitle(models.TextChoices):
    SENIOR = "senior", "正高级"
    ASSOCIATE = "associate", "副高级"
    INTERMEDIATE = "intermediate", "中级"
    OTHER = "other", "其他"


class StockCategory(models.TextChoices):
    SHELTER = "shelter", "救灾帐篷/棉被"
    FOOD = "food", "食品饮用水"
    MEDICAL = "medical", "医疗药品"
    FLOOD = "flood", "防汛物资"
    FIRE = "fire", "消防器材"
    HAZMAT = "hazmat", "危化品处置"
    PROTECTIVE = "protective", "个人防护"
    LIGHTING = "lighting", "照明通信"
    MACHINERY = "machinery", "发电/排涝设备"
    OTHER = "other", "其他"


class ShelterStatus(models.TextChoices):
    READY = "ready", "可启用"
    OPEN = "open", "已开放"
    FULL = "full", "已满"
    CLOSED = "closed", "关闭/维护"


class ShelterKind(models.TextChoices):
    SCHOOL = "school", "学校"
    SQUARE = "square", "广场/公园"
    STADIUM = "stadium", "体育场馆"
    COMMUNITY = "community", "社区中心"
    DEDICATED = "dedicated", "专用避难场所"


class MedicalLevel(models.TextChoices):
    TERTIARY = "tertiary", "三级医院"
    SECONDARY = "secondary", "二级医院"
    PRIMARY = "primary", "一级医院"
    TOWNSHIP = "township", "乡镇卫生院"
    CDC = "cdc", "疾控中心"
    EMERGENCY = "emergency", "急救站"


class VehicleType(models.TextChoices):
    FIRE_ENGINE = "fire_engine", "消防车"
    AMBULANCE = "ambulance", "救护车"
    HAZMAT = "hazmat", "危化品处置车"
    COMMAND = "command", "指挥车"
    TRANSPORT = "transport", "运输车"
    PUMP = "pump", "排涝车"
    CRANE = "crane", "吊车/工程车"
    BOAT = "boat", "冲锋舟"
    OTHER = "other", "其他"


class EquipmentKind(models.TextChoices):
    GENERATOR = "generator", "发电机组"
    PUMP = "pump", "大功率水泵"
    DRONE = "drone", "无人机"
    SATELLITE_PHONE = "satellite_phone", "卫星电话"
    DETECTOR = "detector", "气体检测仪"
    BREATHING = "breathing", "正压式空气呼吸器"
    LIGHTING = "lighting", "照明灯塔"
    OTHER = "other", "其他"
